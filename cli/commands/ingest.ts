import type { CommandModule } from "yargs";
import {
  ANALYSER_NAMES,
  createAnalyser,
  createSink,
  createSource,
  formatSummary,
  runPipeline,
  SOURCE_KINDS,
  type SourceKind,
} from "../../ingest/index.ts";
import { ExitCode } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { settingsFrom } from "../context.ts";

interface IngestArgs {
  source: SourceKind;
  file?: string;
  speed: string;
  tweets?: number;
  seed?: string;
  start?: string;
  minutes?: number;
  sentiment: string;
  sink: "firehose" | "dir";
  out?: string;
  stream?: string;
  "flush-ms": number;
  "max-events"?: number;
  "progress-ms": number;
  "x-api-url"?: string;
  "rules-file"?: string;
  "jetstream-url"?: string[];
  "appview-url"?: string;
  "cursor-file"?: string;
  json: boolean;
}

export const ingest: CommandModule<object, IngestArgs> = {
  command: "ingest",
  describe:
    "stream posts (X, Bluesky, a replay file or synthetic) through sentiment into Firehose or a directory",
  builder: (y) =>
    y
      .option("source", {
        choices: SOURCE_KINDS,
        default: "replay" as const,
        describe: "where messages come from",
      })
      .option("file", {
        type: "string",
        describe: "replay: recorded X API v2 payloads, one message per line",
      })
      .option("speed", { type: "string", default: "max", describe: "replay: max, 1 (recorded pace), 10 …" })
      .option("tweets", { type: "number", describe: "synth: tweets to generate" })
      .option("seed", { type: "string", describe: "synth: PRNG seed (default 1)" })
      .option("start", { type: "string", describe: "synth: first created_at (default: --minutes ago)" })
      .option("minutes", { type: "number", describe: "synth: length of the stream (default 60)" })
      .option("sentiment", { choices: ANALYSER_NAMES, default: "vader", describe: "sentiment analyser" })
      .option("sink", {
        choices: ["firehose", "dir"] as const,
        default: "dir" as const,
        describe: "where events go",
      })
      .option("out", {
        type: "string",
        describe: "dir sink: root directory (objects under OUT/raw/YYYY/MM/DD/HH/)",
      })
      .option("stream", {
        type: "string",
        describe: "Firehose delivery stream (default TRENDS_FIREHOSE_STREAM)",
      })
      .option("flush-ms", {
        type: "number",
        default: 1000,
        describe: "send buffered events at least this often",
      })
      .option("max-events", { type: "number", describe: "stop after this many events" })
      .option("progress-ms", {
        type: "number",
        default: 10_000,
        describe: "progress line interval on stderr (0: off)",
      })
      .option("x-api-url", { type: "string", hidden: true, describe: "X API origin (tests, proxies)" })
      .option("rules-file", {
        type: "string",
        describe:
          "bluesky: the local topic rules (`trends rules add --source bluesky`; default ./trends.rules.json)",
      })
      .option("jetstream-url", {
        type: "string",
        array: true,
        describe:
          "bluesky: Jetstream subscribe URL(s), tried in turn (default Bluesky's four public instances)",
      })
      .option("appview-url", {
        type: "string",
        describe: "bluesky: AppView for profiles (default https://public.api.bsky.app)",
      })
      .option("cursor-file", {
        type: "string",
        describe: "bluesky: where the Jetstream cursor is kept (default CACHE_DIR/bluesky/cursor)",
      })
      .option("json", { type: "boolean", default: false, describe: "print the final summary as JSON" })
      .example("$0 ingest --source replay --file tweets.ndjson --sink dir --out ./data", "local mode")
      .example("$0 ingest --source x --sink firehose --stream trends-raw", "production: X → Firehose")
      .example(
        "$0 ingest --source bluesky --sink dir --out ./data",
        "Bluesky's live Jetstream, no account needed",
      )
      .epilog(
        "SIGINT/SIGTERM stop the source and flush everything; what Firehose does not take in time is " +
          "spooled under the cache dir and sent by the next run. Exit 130 after an interrupt.",
      ),
  handler: async (argv) => {
    const settings = settingsFrom(argv);
    const source = createSource(
      {
        kind: argv.source,
        file: argv.file,
        speed: argv.speed,
        tweets: argv.tweets,
        seed: argv.seed,
        start: argv.start,
        minutes: argv.minutes,
        xApiUrl: argv["x-api-url"],
        rulesFile: argv["rules-file"],
        jetstreamUrl: argv["jetstream-url"],
        appViewUrl: argv["appview-url"],
        cursorFile: argv["cursor-file"],
      },
      settings,
    );
    const sink = createSink(
      { kind: argv.sink, out: argv.out, stream: argv.stream, flushMs: argv["flush-ms"] },
      settings,
    );
    const analyser = createAnalyser(argv.sentiment);
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (stop.signal.aborted) {
        log().warn({ signal }, "second signal: exiting without waiting for the flush");
        process.exit(ExitCode.Interrupted);
      }
      log().info({ signal }, "stopping: flushing buffered events (send the signal again to exit at once)");
      stop.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      const summary = await runPipeline({
        source,
        analyser,
        sink,
        signal: stop.signal,
        ...(argv["max-events"] === undefined ? {} : { maxEvents: argv["max-events"] }),
        progressMs: argv["progress-ms"],
      });
      process.stdout.write(
        argv.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`,
      );
      if (summary.stoppedBy === "signal") process.exitCode = ExitCode.Interrupted;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
};
