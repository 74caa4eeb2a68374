import { log } from "../../runtime/log/index.ts";
import { createNormaliser, EventEncodingError, eventLine } from "../normalise/index.ts";
import type { Sink, SinkStats } from "../sinks/sink.ts";
import {
  type NormalisedRecord,
  type NormaliseResult,
  type Normaliser,
  OVERSIZED_MESSAGE,
  type RawMessage,
  type SentimentAnalyser,
  type Source,
} from "../types.ts";
import { batches } from "./batches.ts";
import { type IngestCounters, type IngestProgress, progressLine } from "./progress.ts";

export interface PipelineOptions {
  source: Source;
  analyser: SentimentAnalyser;
  sink: Sink;
  /** Aborting it stops the source; everything read so far is still flushed. */
  signal?: AbortSignal;
  /** Stop after this many events (records sent on). */
  maxEvents?: number;
  /** Messages per analyser call. */
  batchSize?: number;
  /** A partial batch goes on at the latest this long after its first message. */
  batchMs?: number;
  /** Interval of the progress line (0: none). */
  progressMs?: number;
  onProgress?: (p: IngestProgress) => void;
  /** Defaults to the source's own, else `createNormaliser()` (the wall clock stamps `ingested_at`). */
  normalise?: Normaliser;
  /** How often a source with a cursor (`committed`) is told what the sink has durably taken. */
  checkpointMs?: number;
}

export interface IngestSummary extends IngestCounters {
  source: string;
  sentiment: string;
  sink: string;
  stoppedBy: "end" | "max-events" | "signal";
  /** Of the unscored events, those whose language the analyser does not score (vader: not English). */
  unscoredLanguage: number;
  seconds: number;
  eventsPerSecond: number;
  sinkStats: SinkStats;
  /** What the source counted itself (absent when it counts nothing). */
  sourceStats?: Readonly<Record<string, number>>;
}

/** Bad messages are logged one by one up to this many, then every 1,000th, so a flood cannot drown the log. */
const LOGGED_BAD = 20;

/**
 * Distinct reasons the summary keeps; later new ones add up under OTHER_REASONS, so hostile input
 * cannot grow the summary (200,000 distinct reasons once made a 14 MB one).
 */
export const KEPT_REASONS = 20;
export const OTHER_REASONS = "other reasons";
/** Counted here for every source: its normaliser never sees the stand-in. */
export const OVERSIZED_REASON = "line too long (skipped unread)";

/**
 * source → normalise → sentiment (in batches) → NDJSON lines → sink. Memory stays bounded: the
 * next batch is read only after the sink accepted the previous one (`write` → `drain`), so a
 * slow sink pauses the source. Malformed messages are counted and skipped; the stream goes on.
 * The sink is closed (flushed) before this resolves, also when stopped by the signal.
 */
export async function runPipeline(o: PipelineOptions): Promise<IngestSummary> {
  const started = performance.now();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  if (o.signal?.aborted) stop.abort();
  const normalise = o.normalise ?? o.source.normaliser?.() ?? createNormaliser();
  const checkpointMs = o.checkpointMs ?? 5_000;
  let lastCheckpoint = performance.now();
  const max = o.maxEvents ?? Number.POSITIVE_INFINITY;
  const c: IngestCounters = {
    messages: 0,
    events: 0,
    badMessages: 0,
    badReasons: {},
    skipped: 0,
    entitiesCut: 0,
    scored: 0,
    unscored: 0,
  };
  let stoppedBy: IngestSummary["stoppedBy"] = "end";

  const progressMs = o.progressMs ?? 10_000;
  let lastEvents = 0;
  let lastAt = performance.now();
  const report =
    o.onProgress ??
    ((p: IngestProgress) => log().info(p, `ingest: ${p.events} events, ${p.eventsPerSecond}/s`));
  const ticker =
    progressMs > 0
      ? setInterval(() => {
          const now = performance.now();
          report(progressLine(c, o.sink.stats(), lastEvents, now - lastAt));
          lastEvents = c.events;
          lastAt = now;
        }, progressMs).unref()
      : undefined;

  try {
    for await (const raws of batches(o.source.messages(stop.signal), o.batchSize ?? 500, o.batchMs ?? 200)) {
      const records: NormalisedRecord[] = [];
      for (const raw of raws) {
        if (c.events + records.length >= max) break;
        c.messages++;
        if (raw === OVERSIZED_MESSAGE) {
          countBad(c, OVERSIZED_REASON, raw);
          continue;
        }
        const r = normalise(raw);
        if (!Array.isArray(r)) take(r as NormaliseResult, raw, records, c);
        else for (const x of r) take(x, raw, records, c);
      }
      if (records.length > 0) {
        await o.source.enrich?.(records, stop.signal);
        await send(o, records, c);
      }
      if (o.source.committed && performance.now() - lastCheckpoint >= checkpointMs) {
        // Everything written so far is delivered or spooled once flush resolves: only then may
        // the source move its cursor past these messages.
        await o.sink.flush();
        await o.source.committed(c.messages);
        lastCheckpoint = performance.now();
      }
      if (c.events >= max) {
        stoppedBy = "max-events";
        stop.abort();
        break;
      }
      if (stop.signal.aborted) {
        stoppedBy = "signal";
        break;
      }
    }
    if (stoppedBy === "end" && o.signal?.aborted) stoppedBy = "signal";
    const held = o.source.heldBack?.() ?? [];
    if (held.length > 0) {
      await o.source.enrich?.(held, stop.signal);
      await send(o, held, c);
    }
  } finally {
    clearInterval(ticker);
    o.signal?.removeEventListener("abort", onAbort);
    stop.abort();
    await o.sink.close();
    await o.analyser.close?.();
  }
  // Reached only when the sink closed cleanly: everything read was taken.
  await o.source.committed?.(c.messages);
  const seconds = (performance.now() - started) / 1000;
  return {
    source: o.source.name,
    sentiment: o.analyser.name,
    sink: o.sink.kind,
    stoppedBy,
    ...c,
    unscoredLanguage: o.analyser.skippedLanguage?.() ?? 0,
    seconds: Math.round(seconds * 1000) / 1000,
    eventsPerSecond: Math.round(c.events / Math.max(seconds, 1e-3)),
    sinkStats: o.sink.stats(),
    ...(o.source.stats ? { sourceStats: o.source.stats() } : {}),
  };
}

async function send(o: PipelineOptions, records: NormalisedRecord[], c: IngestCounters): Promise<void> {
  const scores = await o.analyser.analyse(records.map((r) => ({ text: r.text ?? "", lang: r.lang })));
  for (let i = 0; i < records.length; i++) {
    const s = scores[i] ?? null;
    if (s) c.scored++;
    else c.unscored++;
    let line: string;
    try {
      line = eventLine(records[i]!, s, s ? (s.source ?? o.analyser.name) : null);
    } catch (e) {
      // A value no source check caught (a profile file's string follower count, say): the record
      // is counted with the bad messages, never written half-valid.
      if (!(e instanceof EventEncodingError)) throw e;
      countBad(c, `record breaks the v1 contract: ${e.message}`, records[i]!.id);
      continue;
    }
    c.events++;
    if (!o.sink.write(line)) await o.sink.drain();
  }
}

function take(r: NormaliseResult, raw: RawMessage, records: NormalisedRecord[], c: IngestCounters): void {
  if (r.ok) {
    records.push(r.record);
    if (r.cut) c.entitiesCut += r.cut;
  } else if (r.skip) c.skipped++;
  else countBad(c, r.reason, raw);
}

function countBad(c: IngestCounters, reason: string, raw: RawMessage): void {
  c.badMessages++;
  // A reason reads "SUBJECT: what" (`tweet 17: missing text`, `at://…: post without text`): keyed
  // by what, so one kind of defect is one entry whatever message it names.
  const at = reason.lastIndexOf(": ");
  const kind = at < 0 ? reason : reason.slice(at + 2);
  const key = kind in c.badReasons || Object.keys(c.badReasons).length < KEPT_REASONS ? kind : OTHER_REASONS;
  c.badReasons[key] = (c.badReasons[key] ?? 0) + 1;
  if (c.badMessages <= LOGGED_BAD || c.badMessages % 1000 === 0) {
    log().warn(
      { reason, bad: c.badMessages, bytes: raw.length, head: raw.slice(0, 80) },
      "skipped a malformed stream message",
    );
  }
}
