import type { SinkStats } from "../sinks/sink.ts";

/** What the pipeline counts; the progress line and the final summary are views of it. */
export interface IngestCounters {
  messages: number;
  events: number;
  badMessages: number;
  /** Bad messages by reason (`bad JSON`, `huge text`, …). */
  badReasons: Record<string, number>;
  /** Well-formed messages that are not events (deletes, posts no topic rule matches). */
  skipped: number;
  /** Entities past the per-record caps (ingest/normalise/limits.ts): not kept, counted here. */
  entitiesCut: number;
  scored: number;
  unscored: number;
}

export interface IngestProgress {
  events: number;
  /** Over the last interval. */
  eventsPerSecond: number;
  bytesSent: number;
  billedBytes: number;
  retries: number;
  spooledLines: number;
  badMessages: number;
}

/** Builds one progress line from the counters and the previous line's event count. */
export function progressLine(
  c: IngestCounters,
  s: SinkStats,
  previousEvents: number,
  intervalMs: number,
): IngestProgress {
  return {
    events: c.events,
    eventsPerSecond: Math.round(((c.events - previousEvents) * 1000) / Math.max(1, intervalMs)),
    bytesSent: s.bytesSent,
    billedBytes: s.billedBytes,
    retries: s.retries,
    spooledLines: s.linesSpooled,
    badMessages: c.badMessages,
  };
}
