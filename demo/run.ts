import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attemptLine, openPipeline, type Pipeline, runRange, type WindowOutcome } from "../emr/index.ts";
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
import { type LiveDemoReport, replayCrisisLive, splitAtCrisis } from "./live.ts";
import { type DemoOptions, type DemoSpan, demoSpan } from "./span.ts";
import { type DemoSummary, summarise } from "./summary.ts";

export interface DemoReport {
  span: DemoSpan;
  truth: SynthTruth;
  /** The ingest of the stream (with `live`, of the windows before the crisis; the crisis's is in `live`). */
  ingest: IngestSummary;
  windows: WindowOutcome[];
  summary: DemoSummary;
  workDir: string | null;
  /** `--live`: the provisional alerts as they appeared, and what the crisis window's final made of them. */
  live?: LiveDemoReport;
}

/** Progress of the demo: which stage, which window, events/s; `alert`: a live alert as it appears. */
export interface DemoProgress {
  stage(n: number, of: number, text: string): void;
  detail(text: string): void;
  alert?(text: string): void;
}

/**
 * The whole local pipeline: synthetic X stream → ingest (offline sentiment, directory sink in
 * Firehose's layout) → every window through the generated Spark step, driven by the scheduler's
 * own code with the local runner → results in PostgreSQL → a summary read with the typed queries.
 *
 * `live`: the windows before the crisis are ingested and computed final first; then the crisis
 * window is replayed at `pace` × real time while the live application runs (demo/live.ts), so its
 * provisional alert shows up while the window is open; then its final run confirms or withdraws it.
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
  const spark = await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome, install: true });
  await ensureVader({ cacheDir: s.cacheDir, install: true });
  const workDir = o.keep ? join(s.cacheDir, "demo") : mkdtempSync(join(tmpdir(), "trends-demo-"));
  if (o.keep) {
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
  }
  const stages = o.live ? 6 : 4;
  const stage = (n: number, text: string) => progress.stage(n, stages, text);
  try {
    stage(
      1,
      `synthetic stream: ${o.tweets} tweets over ${o.minutes} min from ${span.start.toISOString()}, crisis in "${o.crisisTopic}" at ${span.crisisAt.toISOString()}`,
    );
    const { truth, streamFile } = writeStream(s, o, span, workDir);
    progress.detail(`${truth.lines} lines (${truth.corrupted} deliberately malformed) in ${streamFile}`);
    const bluesky = o.source === "bluesky-replay";
    const files = o.live ? splitAtCrisis(streamFile, span.crisisAt) : { before: streamFile, crisis: "" };
    stage(
      2,
      `ingest${o.live ? " of the windows before the crisis" : ""}: ${bluesky ? "Jetstream frames → topic rules → map" : "replay → normalise"} → offline sentiment (vader) → directory sink`,
    );
    const ingested = await ingestFile(s, o, workDir, files.before, { progress, signal });
    if (signal.aborted) throw signal.reason;

    const pipeline = await openPipeline(s, {
      runner: "local",
      input: join(workDir, s.rawPrefix),
      maxAttempts: 2,
      retryDelayMs: 1000,
      signal,
      master: "local[2]",
      // A newcomer's first demo would pay the class-data archive's one-off dump (~18 s on a 38 s
      // demo); it uses an archive that `trends run` or the tests made, and makes none.
      makeClassArchive: false,
    });
    try {
      const finalsTo = o.live ? span.crisisAt : span.end;
      const first = Math.round((finalsTo.getTime() - span.start.getTime()) / (s.windowMinutes * 60_000));
      stage(
        3,
        `Spark: ${first} windows of ${s.windowMinutes} min through the generated step (local runner, scheduler code)`,
      );
      const windows = await finals(pipeline, span.start, finalsTo, first, progress, now);
      if (signal.aborted) throw signal.reason;
      let live: LiveDemoReport | undefined;
      if (o.live) {
        stage(
          4,
          `live: the crisis window replayed at ×${o.pace} into the directory sink, the live application refreshing it (provisional alerts as they appear)`,
        );
        const crisis = await replayCrisisLive({
          s,
          spark,
          pipeline,
          span,
          pace: o.pace,
          crisisTopic: o.crisisTopic,
          workDir,
          progress,
          signal,
          ingest: () => ingestFile(s, o, workDir, files.crisis, { progress, signal, pace: o.pace }),
        });
        if (signal.aborted) throw signal.reason;
        stage(5, "final run of the crisis window: its provisional alerts confirmed or withdrawn");
        windows.push(...(await finals(pipeline, span.crisisAt, span.end, 1, progress, now)));
        live = await crisis.settle();
      }
      stage(stages, "summary from PostgreSQL (typed queries)");
      const summary = await summarise(pipeline.deps.db, span, o, truth);
      return {
        span,
        truth,
        ingest: ingested,
        windows,
        summary,
        workDir: o.keep ? workDir : null,
        ...(live ? { live } : {}),
      };
    } finally {
      await pipeline.close();
    }
  } finally {
    if (!o.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

function writeStream(
  s: Settings,
  o: DemoOptions,
  span: DemoSpan,
  workDir: string,
): { truth: SynthTruth; streamFile: string } {
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
  return { truth, streamFile };
}

/**
 * One stream file through the ingest pipeline into the directory sink, filed in the arrival-hour
 * prefixes a live ingest would have used. At `pace` (live) objects are delivered as the directory
 * sink does live, every second of wall time; at full speed, every 5 event minutes as Firehose would.
 */
async function ingestFile(
  s: Settings,
  o: DemoOptions,
  workDir: string,
  file: string,
  { progress, signal, pace }: { progress: DemoProgress; signal: AbortSignal; pace?: number },
): Promise<IngestSummary> {
  const clock = new ReplayClock();
  // Bluesky has no server-side rules: each topic is the rule "<topic>" (its brand name in the text).
  const source: Source =
    o.source === "bluesky-replay"
      ? blueskyReplaySource({
          file,
          rules: o.topics.map((t) => compileRule(t, t)),
          mapper: { now: clock.now },
        })
      : replaySource({ file, speed: pace ?? "max" });
  const sink = new EventTimeSink(
    (now) =>
      new DirSink({
        out: workDir,
        rawPrefix: s.rawPrefix,
        stream: "trends-demo",
        now,
        flushMs: pace ? 1000 : 60_000,
      }),
    pace ? { bufferSeconds: pace } : {},
  );
  const analyser = createAnalyser("vader", { vader: { cacheDir: s.cacheDir } });
  const ingest = await runPipeline({
    ...replayedAt(source, clock),
    analyser,
    sink,
    signal,
    progressMs: pace ? 10_000 : 1000,
    onProgress: (p) => progress.detail(`${p.events} events, ${p.eventsPerSecond} events/s`),
  });
  progress.detail(
    `${ingest.events} events in ${ingest.seconds} s (${ingest.eventsPerSecond}/s), ${ingest.badMessages} malformed skipped, ${ingest.unscoredLanguage} left unscored as not English, raw tree in ${join(workDir, s.rawPrefix)}`,
  );
  return ingest;
}

/** Windows [from, to) through the scheduler's own range code, a progress line per attempt. */
async function finals(
  pipeline: Pipeline,
  from: Date,
  to: Date,
  count: number,
  progress: DemoProgress,
  now: Date,
): Promise<WindowOutcome[]> {
  let done = 0;
  const deps = {
    ...pipeline.deps,
    onAttempt: (a: Parameters<NonNullable<typeof pipeline.deps.onAttempt>>[0]) => {
      if (a.status === "succeeded") done++;
      progress.detail(`[${done}/${count}] ${attemptLine(a)}`);
    },
  };
  return runRange(deps, from, to, now);
}
