import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attemptLine, openPipeline, runRange, type WindowOutcome } from "../emr/index.ts";
import {
  blueskyReplaySource,
  compileRule,
  createAnalyser,
  DirSink,
  EventTimeSink,
  type IngestSummary,
  profilesPathFor,
  ReplayClock,
  replayedAt,
  replaySource,
  runPipeline,
  type Source,
  type SynthTruth,
  writeJetstreamFile,
  writeSynthFile,
} from "../ingest/index.ts";
import type { Settings } from "../runtime/config/index.ts";
import { ensureSpark } from "../runtime/spark/index.ts";
import { ensureVader } from "../runtime/vader/index.ts";
import { type DemoOptions, type DemoSpan, demoSpan } from "./span.ts";
import { type DemoSummary, summarise } from "./summary.ts";

export interface DemoReport {
  span: DemoSpan;
  truth: SynthTruth;
  ingest: IngestSummary;
  windows: WindowOutcome[];
  summary: DemoSummary;
  workDir: string | null;
}

/** Progress of the demo: which stage, which window, events/s. */
export interface DemoProgress {
  stage(n: number, of: number, text: string): void;
  detail(text: string): void;
}

const STAGES = 4;

/**
 * The whole local pipeline: synthetic X stream → ingest (offline sentiment, directory sink in
 * Firehose's layout) → every window through the generated Spark step, driven by the scheduler's
 * own code with the local runner → results in PostgreSQL → a summary read with the typed queries.
 */
export async function runDemo(
  s: Settings,
  o: DemoOptions,
  progress: DemoProgress,
  signal: AbortSignal,
  now = new Date(),
): Promise<DemoReport> {
  const span = demoSpan(o, now, s.windowMinutes, s.latenessMinutes);
  // Fail early, before generating anything, when Spark cannot run; install it on first use.
  await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome, install: true });
  await ensureVader({ cacheDir: s.cacheDir, install: true });
  const workDir = o.keep ? join(s.cacheDir, "demo") : mkdtempSync(join(tmpdir(), "trends-demo-"));
  if (o.keep) {
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
  }
  try {
    progress.stage(
      1,
      STAGES,
      `synthetic stream: ${o.tweets} tweets over ${o.minutes} min from ${span.start.toISOString()}, crisis in "${o.crisisTopic}" at ${span.crisisAt.toISOString()}`,
    );
    const bluesky = o.source === "bluesky-replay";
    const streamFile = join(workDir, bluesky ? "frames.ndjson" : "stream.jsonl");
    const synth = {
      tweets: o.tweets,
      seed: o.seed,
      start: span.start,
      minutes: o.minutes,
      topics: o.topics,
      crisisAt: span.crisisAt,
      crisisTopic: o.crisisTopic,
      corrupt: o.corrupt,
      windowMinutes: s.windowMinutes,
    };
    const truth = bluesky
      ? writeJetstreamFile(synth, streamFile, profilesPathFor(streamFile))
      : writeSynthFile(synth, streamFile);
    progress.detail(`${truth.lines} lines (${truth.corrupted} deliberately malformed) in ${streamFile}`);

    progress.stage(
      2,
      STAGES,
      `ingest: ${bluesky ? "Jetstream frames → topic rules → map" : "replay → normalise"} → offline sentiment (vader) → directory sink`,
    );
    const clock = new ReplayClock();
    // Bluesky has no server-side rules: each topic is the rule "<topic>" (its brand name in the text).
    const source: Source = bluesky
      ? blueskyReplaySource({
          file: streamFile,
          rules: o.topics.map((t) => compileRule(t, t)),
          mapper: { now: clock.now },
        })
      : replaySource({ file: streamFile, speed: "max" });
    const sink = new EventTimeSink(
      (now) =>
        new DirSink({ out: workDir, rawPrefix: s.rawPrefix, stream: "trends-demo", now, flushMs: 60_000 }),
    );
    const analyser = createAnalyser("vader", { vader: { cacheDir: s.cacheDir } });
    const ingest = await runPipeline({
      ...replayedAt(source, clock),
      analyser,
      sink,
      signal,
      progressMs: 1000,
      onProgress: (p) => progress.detail(`${p.events} events, ${p.eventsPerSecond} events/s`),
    });
    progress.detail(
      `${ingest.events} events in ${ingest.seconds} s (${ingest.eventsPerSecond}/s), ${ingest.badMessages} malformed skipped, ${ingest.unscoredLanguage} left unscored as not English, raw tree in ${join(workDir, s.rawPrefix)}`,
    );
    if (signal.aborted) throw signal.reason;

    progress.stage(
      3,
      STAGES,
      `Spark: ${span.windows} windows of ${s.windowMinutes} min through the generated step (local runner, scheduler code)`,
    );
    const pipeline = await openPipeline(s, {
      runner: "local",
      input: join(workDir, s.rawPrefix),
      maxAttempts: 2,
      retryDelayMs: 1000,
      signal,
      master: "local[2]",
    });
    try {
      let done = 0;
      const deps = {
        ...pipeline.deps,
        onAttempt: (a: Parameters<NonNullable<typeof pipeline.deps.onAttempt>>[0]) => {
          if (a.status === "succeeded") done++;
          progress.detail(`[${done}/${span.windows}] ${attemptLine(a)}`);
        },
      };
      const windows = await runRange(deps, span.start, span.end, now);
      if (signal.aborted) throw signal.reason;

      progress.stage(4, STAGES, "summary from PostgreSQL (typed queries)");
      const summary = await summarise(pipeline.deps.db, span, o, truth);
      return { span, truth, ingest, windows, summary, workDir: o.keep ? workDir : null };
    } finally {
      await pipeline.close();
    }
  } finally {
    if (!o.keep) rmSync(workDir, { recursive: true, force: true });
  }
}
