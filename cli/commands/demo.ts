import type { CommandModule } from "yargs";
import { DEMO_DEFAULTS, type DemoReport, formatSummary, runDemo } from "../../demo/index.ts";
import { stopOnSignals } from "../../emr/index.ts";
import { SYNTH_LIMITS } from "../../ingest/index.ts";
import { ExitCode, usageError } from "../../runtime/errors/index.ts";
import { createLogger, setLogger } from "../../runtime/log/index.ts";
import { localDataDir } from "../../runtime/postgres/index.ts";
import { settingsFrom } from "../context.ts";
import { numberOption } from "../flags.ts";
import { printLines } from "../output.ts";

interface DemoArgs {
  "log-level"?: string;
  minutes: number;
  tweets: number;
  seed: number;
  keep: boolean;
  source: "x" | "bluesky-replay";
  json: boolean;
  live: boolean;
  pace?: number;
}

export const demo: CommandModule<object, DemoArgs> = {
  command: "demo",
  describe: "run the whole pipeline locally: synthetic stream → sentiment → Spark → PostgreSQL → summary",
  builder: (y) =>
    y
      .option("minutes", {
        ...numberOption("--minutes", { min: 1, max: SYNTH_LIMITS.minutes }),
        default: DEMO_DEFAULTS.minutes,
        describe: "event time to generate (whole 15-minute windows, at least 6)",
      })
      .option("tweets", {
        ...numberOption("--tweets", { min: 1, max: SYNTH_LIMITS.tweets }),
        default: DEMO_DEFAULTS.tweets,
        describe: "synthetic tweets to generate",
      })
      .option("seed", {
        ...numberOption("--seed", { min: 0, max: Number.MAX_SAFE_INTEGER }),
        default: DEMO_DEFAULTS.seed,
        describe: "seed of the synthetic stream (same seed, same stream)",
      })
      .option("keep", {
        type: "boolean",
        default: false,
        describe: "keep the stream and raw event tree under the cache dir (demo/)",
      })
      .option("source", {
        choices: ["x", "bluesky-replay"] as const,
        default: "x" as const,
        describe: "x: synthetic X messages; bluesky-replay: the same stream as recorded Jetstream frames",
      })
      .option("json", { type: "boolean", default: false, describe: "print the report as JSON on stdout" })
      .option("live", {
        type: "boolean",
        default: false,
        describe:
          "replay the crisis window in real time (× --pace) with live mode on: its provisional alert as it appears, then the final one",
      })
      .option("pace", {
        ...numberOption("--pace", { min: 1, max: 900 }),
        describe: `--live: replay speed of the crisis window (default ×${DEMO_DEFAULTS.pace}: 15 minutes in 90 s)`,
      })
      .example(
        "$0 demo",
        "two hours of synthetic traffic, a crisis in topic acme, results in the local PostgreSQL",
      )
      .example(
        "$0 demo --live",
        "the same, the crisis window replayed at ×10 with live mode's provisional alerts",
      ),
  handler: async (argv) => {
    const s = settingsFrom(argv);
    // The demo prints its own progress; per-record warnings (the deliberately malformed lines)
    // and per-step info lines would bury it. `--log-level` brings them back.
    if (argv["log-level"] === undefined && process.env.TRENDS_LOG_LEVEL === undefined) {
      setLogger(createLogger("error"));
    }
    if (!Number.isFinite(argv.minutes) || !Number.isFinite(argv.tweets)) {
      throw usageError("--minutes and --tweets take numbers", "e.g. --minutes 120 --tweets 8000");
    }
    if (argv.pace !== undefined && !argv.live)
      throw usageError("--pace goes with --live", "add --live or drop --pace");
    if (argv.live && argv.source !== "x")
      throw usageError(
        "--live replays the synthetic X stream; it does not go with --source bluesky-replay",
        "drop --source, or drop --live",
      );
    const stop = stopOnSignals();
    const started = Date.now();
    const say = (text: string) => process.stderr.write(`${text}\n`);
    let report: DemoReport;
    try {
      report = await runDemo(
        s,
        {
          ...DEMO_DEFAULTS,
          minutes: argv.minutes,
          tweets: argv.tweets,
          seed: argv.seed,
          keep: argv.keep,
          source: argv.source,
          live: argv.live,
          pace: argv.pace ?? DEMO_DEFAULTS.pace,
        },
        {
          stage: (n, of, text) => say(`\n[${n}/${of}] ${text}`),
          detail: (text) => say(`      ${text}`),
          // Live alerts are the demo's data, not its progress: stdout, as they appear.
          alert: (text) => {
            if (!argv.json) printLines(text);
          },
        },
        stop.signal,
      );
    } catch (e) {
      if (stop.signal.aborted) {
        say("\ndemo stopped; nothing is left running");
        process.exitCode = ExitCode.Interrupted;
        return;
      }
      throw e;
    } finally {
      stop.dispose();
    }
    const failed = report.windows.filter((w) => w.status !== "succeeded").length;
    if (argv.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      printLines("", ...formatSummary(report.summary, DEMO_DEFAULTS.crisisTopic).split("\n"));
      process.stdout.write(
        `\nDone in ${Math.round((Date.now() - started) / 1000)} s: ${report.ingest.events + (report.live?.ingest.events ?? 0)} events, ${report.windows.length} windows (${failed} failed).\n` +
          `Results are in the local PostgreSQL (${localDataDir(s)}). Next:\n` +
          "  npx trends serve                       # the dashboard on http://127.0.0.1:8080\n" +
          "  npx trends query influencers --since 24h --topic acme\n" +
          (report.workDir ? `  raw events kept in ${report.workDir}\n` : ""),
      );
    }
    process.exitCode = failed > 0 ? ExitCode.Failure : ExitCode.Ok;
  },
};
