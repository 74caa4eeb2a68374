import { resolve } from "node:path";
import type { CommandModule } from "yargs";
import {
  ANALYSER_NAMES,
  ARRIVALS,
  type Arrival,
  blueskyCursorPath,
  checkArrival,
  createAnalyser,
  createSink,
  createSource,
  EventTimeSink,
  formatSummary,
  lockCursor,
  ReplayClock,
  replayedAt,
  runPipeline,
  SOURCE_KINDS,
  type SourceKind,
  SYNTH_LIMITS,
} from "../../ingest/index.ts";
import type { Settings } from "../../runtime/config/index.ts";
import { ExitCode } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { inputFile, outputDir, outputFile } from "../../runtime/paths/index.ts";
import { ensureVader } from "../../runtime/vader/index.ts";
import { settingsFrom } from "../context.ts";
import { numberOption } from "../flags.ts";
import { printLines } from "../output.ts";

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
  arrival: Arrival;
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
      .option("tweets", {
        ...numberOption("--tweets", { min: 1, max: SYNTH_LIMITS.tweets }),
        describe: "synth: tweets to generate",
      })
      .option("seed", { type: "string", describe: "synth: PRNG seed (default 1)" })
      .option("start", { type: "string", describe: "synth: first created_at (default: --minutes ago)" })
      .option("minutes", {
        ...numberOption("--minutes", { min: 1, max: SYNTH_LIMITS.minutes }),
        describe: "synth: length of the stream (default 60)",
      })
      .option("sentiment", {
        choices: ANALYSER_NAMES,
        default: "vader",
        describe:
          "sentiment analyser; vader scores English (and unknown-language) texts and hands the others " +
          "to Google NL when GOOGLE_APPLICATION_CREDENTIALS is set, else leaves them unscored",
      })
      .option("sink", {
        choices: ["firehose", "dir"] as const,
        default: "dir" as const,
        describe: "where events go",
      })
      .option("arrival", {
        choices: ARRIVALS,
        default: "wall-clock" as const,
        describe:
          "dir sink: the hour folder an event lands in; event-time places recorded events (replay, " +
          "bluesky-replay, synth) where a live ingest would have, so `trends run` finds them by their windows",
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
        ...numberOption("--flush-ms", { min: 1, max: 3_600_000 }),
        default: 1000,
        describe: "send buffered events at least this often",
      })
      .option("max-events", {
        ...numberOption("--max-events", { min: 1, max: Number.MAX_SAFE_INTEGER }),
        describe: "stop after this many events",
      })
      .option("progress-ms", {
        ...numberOption("--progress-ms", { min: 0, max: 86_400_000 }),
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
        describe:
          "bluesky: where the Jetstream cursor is kept (default CACHE_DIR/bluesky/cursor-HASH, one per rules and output); one ingest at a time",
      })
      .option("json", { type: "boolean", default: false, describe: "print the final summary as JSON" })
      .example("$0 ingest --source replay --file tweets.ndjson --sink dir --out ./data", "local mode")
      .example(
        "$0 ingest --source replay --file tweets.ndjson --sink dir --out ./data --arrival event-time",
        "recorded events into the hours of their own time",
      )
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
    // Paths are checked before any source or sink opens, so a bad one leaves nothing behind.
    if (argv.source === "replay" && argv.file !== undefined) inputFile(argv.file, "--file");
    if (argv.sink === "dir" && argv.out !== undefined) outputDir(argv.out, "--out");
    checkArrival(argv.arrival, argv.source, argv.sink);
    const rulesFile = argv["rules-file"];
    if (argv.source.startsWith("bluesky") && rulesFile !== undefined) outputFile(rulesFile, "--rules-file");
    // One ingest per cursor: checked and locked before anything opens.
    const cursorFile =
      argv.source === "bluesky" ? blueskyCursorPath(cursorChoice(argv, settings), settings) : undefined;
    const release =
      cursorFile === undefined ? undefined : lockCursor(cursorFile, argv["cursor-file"] && "--cursor-file");
    try {
      await ingestWith(argv, settings, cursorFile);
    } finally {
      release?.();
    }
  },
};

/** The sink's identity for the default cursor's key: the same rules into another output is another cursor. */
const cursorChoice = (argv: IngestArgs, settings: Settings) => ({
  kind: argv.source,
  rulesFile: argv["rules-file"],
  cursorFile: argv["cursor-file"],
  sinkId:
    argv.sink === "dir"
      ? `dir:${resolve(argv.out ?? "")}`
      : `firehose:${argv.stream ?? settings.firehoseStream ?? ""}`,
});

async function ingestWith(
  argv: IngestArgs,
  settings: Settings,
  cursorFile: string | undefined,
): Promise<void> {
  // `--arrival event-time`: the hour folders and `ingested_at` follow the stream's own times.
  const clock = argv.arrival === "event-time" ? new ReplayClock() : undefined;
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
      cursorFile,
      now: clock?.now,
    },
    settings,
  );
  const choice = { kind: argv.sink, out: argv.out, stream: argv.stream, flushMs: argv["flush-ms"] };
  const sink = clock
    ? new EventTimeSink((now) => createSink({ ...choice, now }, settings))
    : createSink(choice, settings);
  const analyser = await analyserFor(argv.sentiment, settings);
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
      ...(clock ? replayedAt(source, clock) : { source }),
      analyser,
      sink,
      signal: stop.signal,
      ...(argv["max-events"] === undefined ? {} : { maxEvents: argv["max-events"] }),
      progressMs: argv["progress-ms"],
    });
    if (argv.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else printLines(...formatSummary(summary).split("\n"));
    if (summary.stoppedBy === "signal") process.exitCode = ExitCode.Interrupted;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/**
 * vader's lexicons come from the installed vaderSentiment (installed on first use, like the demo's
 * PySpark); texts in other languages go to Google NL when it is configured.
 */
async function analyserFor(name: string, settings: Settings) {
  if (name !== "vader") return createAnalyser(name);
  await ensureVader({ cacheDir: settings.cacheDir, install: true });
  const otherLanguages = settings.googleCredentials ? createAnalyser("google") : undefined;
  if (otherLanguages)
    log().info(
      "vader: texts in languages other than English go to Google NL (GOOGLE_APPLICATION_CREDENTIALS is set)",
    );
  return createAnalyser("vader", {
    vader: { cacheDir: settings.cacheDir, ...(otherLanguages ? { otherLanguages } : {}) },
  });
}
