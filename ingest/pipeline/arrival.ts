import { usageError } from "../../runtime/errors/index.ts";
import { createNormaliser } from "../normalise/index.ts";
import type { Sink } from "../sinks/sink.ts";
import { timeUsOf } from "../sources/bluesky/index.ts";
import type { Normaliser, Source } from "../types.ts";
import type { SourceKind } from "./choose.ts";

/**
 * When an event "arrives" for the sink's hour prefixes: `wall-clock` (now, as live ingest), or
 * `event-time` (simulated from the messages' own times, as the demo replays hours in seconds).
 */
export const ARRIVALS = ["wall-clock", "event-time"] as const;
export type Arrival = (typeof ARRIVALS)[number];

/** The offline sources: their messages carry recorded event times that a clock can follow. */
export const EVENT_TIME_SOURCES: readonly SourceKind[] = ["replay", "bluesky-replay", "synth"];

/**
 * `--arrival event-time` fits an offline source into the dir sink only: a live source's event time
 * is now anyway, and Firehose stamps the arrival hour itself.
 */
export function checkArrival(arrival: Arrival, source: SourceKind, sink: string): void {
  if (arrival !== "event-time") return;
  if (!EVENT_TIME_SOURCES.includes(source))
    throw usageError(
      `--arrival event-time is for recorded streams; --source ${source} arrives live`,
      `use --source ${EVENT_TIME_SOURCES.join(", ")}, or drop --arrival`,
    );
  if (sink !== "dir")
    throw usageError(
      "--arrival event-time needs --sink dir: Firehose names its objects by its own arrival time",
      "add --sink dir --out ./data",
    );
}

/** A message's or event line's `created_at`, or a Jetstream frame's `time_us`, in ms; a cheap scan, no full parse. */
export function eventTimeOf(raw: string): number | undefined {
  const i = raw.indexOf('"created_at":"');
  const us = i < 0 ? timeUsOf(raw) : undefined;
  if (i < 0 && us === undefined) return undefined;
  const t = us === undefined ? Date.parse(raw.slice(i + 14, i + 38)) : Math.floor(us / 1000);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Simulated ingest time for `ingested_at`: the newest event time read so far, plus a small delay,
 * never going back.
 */
export class ReplayClock {
  private ms = 0;

  constructor(private readonly delayMs = 5_000) {}

  observe(raw: string): void {
    const t = eventTimeOf(raw);
    if (t !== undefined && t + this.delayMs > this.ms) this.ms = t + this.delayMs;
  }

  now = (): number => this.ms;
  date = (): Date => new Date(this.ms);
}

/** The source with the clock following its messages (the normaliser stamps `ingested_at` from it). */
export function observedBy(source: Source, clock: ReplayClock): Source {
  return {
    // The source's own normaliser, enrichment and cursor hooks stay (Bluesky replay has them).
    ...source,
    async *messages(signal) {
      for await (const raw of source.messages(signal)) {
        clock.observe(raw);
        yield raw;
      }
    },
  };
}

/**
 * The pipeline's source and normaliser for a recorded stream: `ingested_at` follows the stream's
 * time. A source with a normaliser of its own (Bluesky replay) is given `clock.now` when built.
 */
export function replayedAt(source: Source, clock: ReplayClock): { source: Source; normalise?: Normaliser } {
  return {
    source: observedBy(source, clock),
    ...(source.normaliser ? {} : { normalise: createNormaliser({ now: clock.now }) }),
  };
}

/**
 * A sink whose objects land in the arrival-hour prefixes they would have had live (the steps read
 * only a window's own prefixes): arrival is the newest event time written, plus a delivery delay,
 * and everything held is delivered whenever that time crosses a buffer interval, as Firehose
 * delivers at least every `bufferSeconds` (300 s by default). Arrival follows the lines the sink
 * takes, not the messages read: the pipeline reads hundreds of messages ahead of its writes.
 *
 * `inner(now)` builds the sink that names its objects by `now` (the dir sink).
 */
export class EventTimeSink implements Sink {
  readonly kind: string;
  private readonly inner: Sink;
  private readonly slotMs: number;
  private ms = 0;
  private slot: number | undefined;
  /** A line of the next slot, held until what came before is delivered. */
  private held: string | undefined;

  constructor(
    inner: (now: () => Date) => Sink,
    private readonly o: { delayMs?: number; bufferSeconds?: number } = {},
  ) {
    this.inner = inner(() => new Date(this.ms));
    this.kind = this.inner.kind;
    this.slotMs = (o.bufferSeconds ?? 300) * 1000;
  }

  write(line: string): boolean {
    if (this.held !== undefined) throw new Error("write before drain");
    const t = eventTimeOf(line);
    const at = t === undefined ? this.ms : Math.max(this.ms, t + (this.o.delayMs ?? 5_000));
    const slot = Math.floor(at / this.slotMs);
    if (this.slot !== undefined && slot !== this.slot) {
      // Backpressure: the caller awaits drain(), which delivers the earlier slot first.
      this.held = line;
      return false;
    }
    this.slot = slot;
    this.ms = at;
    return this.inner.write(line);
  }

  async drain(): Promise<void> {
    const line = this.held;
    if (line !== undefined) {
      await this.inner.flush();
      this.held = undefined;
      this.slot = undefined;
      if (!this.write(line)) await this.drain();
    }
    await this.inner.drain();
  }

  async flush(): Promise<void> {
    await this.drain();
    await this.inner.flush();
  }

  async close(): Promise<void> {
    await this.drain();
    await this.inner.close();
  }

  stats() {
    return this.inner.stats();
  }
}
