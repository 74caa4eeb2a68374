import { createAnalyser, MemorySink, runPipeline, type Source } from "../../ingest/index.ts";
import type { EventV1 } from "../../sparkgen/schema/index.ts";

/** Runs a Bluesky source through the pipeline into memory until `maxEvents` (or `signal`). */
export async function ingest(src: Source, maxEvents: number, signal?: AbortSignal) {
  const sink = new MemorySink({ flushMs: 10 });
  const summary = await runPipeline({
    source: src,
    analyser: createAnalyser("vader"),
    sink,
    maxEvents,
    batchSize: 2,
    batchMs: 10,
    progressMs: 0,
    checkpointMs: 0,
    ...(signal ? { signal } : {}),
  });
  const records = Buffer.concat(sink.objects)
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EventV1);
  return { summary, records };
}

/** What the Spark step keeps: one record per id, the latest ingested (then most liked). */
export function dedup(records: EventV1[]): Map<string, EventV1> {
  const out = new Map<string, EventV1>();
  for (const r of records) {
    const had = out.get(r.id);
    if (
      !had ||
      r.ingested_at > had.ingested_at ||
      (r.ingested_at === had.ingested_at && r.like_count > had.like_count)
    )
      out.set(r.id, r);
  }
  return out;
}
