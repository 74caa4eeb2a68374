import { type Sink, type Source, timeUsOf } from "../ingest/index.ts";

/**
 * The demo replays hours of synthetic event time in seconds. Objects must still land in the
 * arrival-hour prefixes they would have had live (the steps read only a window's own prefixes),
 * so arrival is simulated: the clock follows the newest `created_at` seen, plus a small delivery
 * delay, and never goes back.
 */
export class ReplayClock {
  private ms = 0;

  constructor(private readonly delayMs = 5_000) {}

  /** Advances to the message's `created_at` or Jetstream's `time_us` (+ delay); a cheap scan, no full parse. */
  observe(raw: string): void {
    const i = raw.indexOf('"created_at":"');
    const us = i < 0 ? timeUsOf(raw) : undefined;
    if (i < 0 && us === undefined) return;
    const t = us === undefined ? Date.parse(raw.slice(i + 14, i + 38)) : Math.floor(us / 1000);
    if (!Number.isNaN(t) && t + this.delayMs > this.ms) this.ms = t + this.delayMs;
  }

  now = (): number => this.ms;
  date = (): Date => new Date(this.ms);
}

/**
 * The source, observed by the clock, with the sink flushed whenever simulated time crosses a
 * buffer interval, as Firehose delivers at least every `bufferSeconds` (300 s by default).
 */
export function simulatedArrival(
  source: Source,
  clock: ReplayClock,
  sink: Sink,
  bufferSeconds = 300,
): Source {
  const slotMs = bufferSeconds * 1000;
  return {
    // The source's own normaliser, enrichment and cursor hooks stay (Bluesky replay has them).
    ...source,
    async *messages(signal) {
      let slot: number | undefined;
      for await (const raw of source.messages(signal)) {
        clock.observe(raw);
        const now = Math.floor(clock.now() / slotMs);
        if (slot !== undefined && now !== slot) await sink.flush();
        slot = now;
        yield raw;
      }
    },
  };
}
