import type { CommandModule } from "yargs";
import {
  type AttemptOutcome,
  attemptLine,
  DEFAULT_RANGE_WINDOWS,
  openPipeline,
  outcomeJson,
  runRange,
  skippedLine,
  stopOnSignals,
  type WindowOutcome,
} from "../../emr/index.ts";
import { ExitCode } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { hoursOf, parseTime, unreadHoursWarning } from "../../runtime/windows/index.ts";
import { settingsFrom } from "../context.ts";
import { numberOption } from "../flags.ts";
import { printLines } from "../output.ts";

interface RunArgs {
  runner: string;
  input?: string;
  from: string;
  to: string;
  "max-attempts": number;
  "range-windows": number;
  master?: string;
  json: boolean;
}

export const run: CommandModule<object, RunArgs> = {
  command: "run",
  describe: "process every window in a range once, in order (local spark-submit), printing a line per window",
  builder: (y) =>
    y
      .option("runner", { choices: ["local"], default: "local", describe: "where the steps run" })
      .option("input", { type: "string", describe: "raw event tree: DIR, file://DIR or s3://bucket/raw/" })
      .option("from", {
        type: "string",
        demandOption: true,
        describe: "first window start (ISO, on a window boundary)",
      })
      .option("to", { type: "string", demandOption: true, describe: "end of the range (ISO, exclusive)" })
      .option("range-windows", {
        type: "number",
        default: DEFAULT_RANGE_WINDOWS,
        describe:
          "at most this many consecutive windows per step (one Spark application); 1 = a step per window",
      })
      .option("max-attempts", {
        ...numberOption("--max-attempts", { min: 1, max: 100 }),
        default: 1,
        describe: "attempts per window before it is left failed",
      })
      .option("master", { type: "string", describe: "Spark master (default local[*])" })
      .option("json", { type: "boolean", default: false, describe: "print the outcome as JSON on stdout" })
      .example(
        "$0 run --input ./raw --from 2026-11-26T04:00Z --to 2026-11-26T06:00Z",
        "eight windows of 15 min",
      ),
  handler: async (argv) => {
    const s = settingsFrom(argv);
    const from = parseTime(argv.from, "--from");
    const to = parseTime(argv.to, "--to");
    const stop = stopOnSignals();
    const p = await openPipeline(s, {
      runner: "local",
      input: argv.input,
      maxAttempts: Math.max(1, argv["max-attempts"]),
      rangeWindows: Math.max(1, Math.floor(argv["range-windows"])),
      retryDelayMs: 5_000,
      signal: stop.signal,
      master: argv.master,
    });
    try {
      const deps = argv.json
        ? p.deps
        : { ...p.deps, onAttempt: (a: AttemptOutcome) => printLines(attemptLine(a)) };
      const outcomes = await runRange(deps, from, to);
      await warnOfUnreadHours(p.deps, outcomes);
      const failed = outcomes.filter((o) => o.status !== "succeeded").length;
      const held = outcomes.filter((o) => o.status === "locked");
      if (argv.json) {
        process.stdout.write(`${JSON.stringify({ windows: outcomes.map(outcomeJson), failed }, null, 2)}\n`);
      } else {
        for (const o of held) process.stdout.write(`${skippedLine(o)}\n`);
        process.stdout.write(
          `${outcomes.length} window(s), ${outcomes.length - failed} succeeded, ${failed} not` +
            (held.length > 0 ? ` (${held.length} held by another run)` : "") +
            "\n",
        );
      }
      process.exitCode = stop.signal.aborted
        ? ExitCode.Interrupted
        : failed > 0
          ? ExitCode.Failure
          : ExitCode.Ok;
    } finally {
      stop.dispose();
      await p.close();
    }
  },
};

/**
 * One line on stderr when windows read no event while the input tree holds data in hours no window
 * of the run reads (issue 26: events ingested by wall clock sit in the hour of the ingest). The
 * tree is listed only then.
 */
async function warnOfUnreadHours(
  deps: { input: { list(prefix: string): Promise<readonly { key: string }[]> }; latenessMinutes: number },
  outcomes: readonly WindowOutcome[],
): Promise<void> {
  const empty = outcomes.filter((o) => o.status === "succeeded" && o.attempts.at(-1)?.events === 0);
  if (empty.length === 0) return;
  const hours = hoursOf((await deps.input.list("")).map((o) => o.key));
  const line = unreadHoursWarning(
    empty.map((o) => o.window),
    outcomes.map((o) => o.window),
    hours,
    deps.latenessMinutes,
  );
  if (line) log().warn(line);
}
