import { log } from "../../runtime/log/index.ts";
import { type Batch, billedBytes, FIREHOSE_LIMITS, Packer, type PackingLimits } from "./packing.ts";

/** Counters every sink keeps; the pipeline's progress line and summary print them. */
export interface SinkStats {
  /** Lines accepted by `write`. */
  linesIn: number;
  /** Lines the destination acknowledged (Firehose) or that were renamed into place (dir). */
  linesDelivered: number;
  /** Lines larger than a record: they cannot be sent, so they are counted and logged. */
  linesRejected: number;
  /** Records (Firehose) or objects (dir) delivered. */
  records: number;
  bytesSent: number;
  /** What Firehose would bill for the delivered records (5 KB rounding per record). */
  billedBytes: number;
  calls: number;
  /** Calls repeated after an error or a partial failure. */
  retries: number;
  throttled: number;
  /** Lines written to the durable spool because the destination stayed unavailable. */
  linesSpooled: number;
  /** Spooled lines later delivered from the spool. */
  linesReplayed: number;
}

export const emptyStats = (): SinkStats => ({
  linesIn: 0,
  linesDelivered: 0,
  linesRejected: 0,
  records: 0,
  bytesSent: 0,
  billedBytes: 0,
  calls: 0,
  retries: 0,
  throttled: 0,
  linesSpooled: 0,
  linesReplayed: 0,
});

/**
 * Where NDJSON lines go. Backpressure is Node-stream style: `write` returns false when the sink
 * holds more than its high-water mark, and the caller awaits `drain()` before writing more, so
 * memory stays bounded while the destination is slow.
 */
export interface Sink {
  readonly kind: string;
  /** One complete line ending in `\n`. False means: await `drain()` before the next write. */
  write(line: string): boolean;
  drain(): Promise<void>;
  /** Sends everything buffered and waits until it is delivered (or durably spooled). */
  flush(): Promise<void>;
  /** Flushes, stops timers and releases the destination; the sink is unusable afterwards. */
  close(): Promise<void>;
  stats(): SinkStats;
}

export interface PackingSinkOptions {
  limits?: PackingLimits;
  /** Send what is buffered at the latest this long after its first line arrived. */
  flushMs?: number;
  /** `write` returns false above this many buffered bytes (open + queued + in flight). */
  highWaterBytes?: number;
  /** Batches delivered concurrently. */
  concurrency?: number;
}

/**
 * The part every sink shares: packing, the flush timer, the delivery queue with bounded
 * concurrency, backpressure, counters. Subclasses implement `deliver` for one batch; it resolves
 * once the batch is delivered or durably spooled and rejects only on a fatal error.
 */
export abstract class PackingSink implements Sink {
  abstract readonly kind: string;
  protected readonly counters = emptyStats();
  private readonly packer: Packer;
  private readonly flushMs: number;
  private readonly highWater: number;
  private readonly concurrency: number;
  private readonly queue: Batch[] = [];
  private queuedBytes = 0;
  private inFlight = 0;
  private inFlightBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private failure: unknown;
  private closed = false;

  constructor(o: PackingSinkOptions = {}) {
    this.packer = new Packer(o.limits ?? FIREHOSE_LIMITS);
    this.flushMs = o.flushMs ?? 1000;
    this.highWater = o.highWaterBytes ?? 16 * 1024 * 1024;
    this.concurrency = o.concurrency ?? 1;
  }

  protected abstract deliver(batch: Batch): Promise<void>;

  protected get limits(): PackingLimits {
    return this.packer.limits;
  }

  write(line: string): boolean {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw new Error("write after close");
    this.counters.linesIn++;
    if (!this.packer.add(line)) {
      this.counters.linesRejected++;
      log().warn(
        { bytes: Buffer.byteLength(line), maxRecordBytes: this.packer.limits.maxRecordBytes },
        "line larger than a Firehose record rejected: it cannot be sent",
      );
      return this.heldBytes() < this.highWater;
    }
    this.timer ??= setTimeout(() => this.flushBuffered(), this.flushMs).unref();
    const full = this.packer.takeFull();
    if (full.length > 0) this.enqueue(full);
    return this.heldBytes() < this.highWater;
  }

  async drain(): Promise<void> {
    while (this.failure === undefined && this.heldBytes() >= this.highWater) {
      // A high-water mark below one batch: what is held is all in the packer, so send it.
      if (this.queue.length === 0 && this.inFlight === 0) this.flushBuffered();
      if (this.queue.length === 0 && this.inFlight === 0) break;
      await this.nextChange();
    }
    if (this.failure !== undefined) throw this.failure;
  }

  async flush(): Promise<void> {
    this.flushBuffered();
    while (this.failure === undefined && (this.queue.length > 0 || this.inFlight > 0))
      await this.nextChange();
    if (this.failure !== undefined) throw this.failure;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  stats(): SinkStats {
    return { ...this.counters };
  }

  /** Bytes held in memory: the packer, queued batches and batches in flight. */
  protected heldBytes(): number {
    return this.packer.bufferedBytes + this.queuedBytes + this.inFlightBytes;
  }

  /** Books a delivered batch (for sinks whose unit is a record, as Firehose bills). */
  protected booked(records: readonly Uint8Array[], lines: number): void {
    this.counters.linesDelivered += lines;
    this.counters.records += records.length;
    for (const r of records) {
      this.counters.bytesSent += r.byteLength;
      this.counters.billedBytes += billedBytes(r.byteLength);
    }
  }

  private flushBuffered(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.packer.takeAll();
    if (batches.length > 0) this.enqueue(batches);
  }

  private enqueue(batches: Batch[]): void {
    for (const b of batches) {
      this.queue.push(b);
      this.queuedBytes += b.bytes;
    }
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0 && this.failure === undefined) {
      const batch = this.queue.shift()!;
      this.queuedBytes -= batch.bytes;
      this.inFlight++;
      this.inFlightBytes += batch.bytes;
      this.deliver(batch)
        .catch((e: unknown) => {
          this.failure ??= e;
        })
        .finally(() => {
          this.inFlight--;
          this.inFlightBytes -= batch.bytes;
          this.pump();
          this.notify();
        });
    }
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
