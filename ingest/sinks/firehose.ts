import { setTimeout as sleep } from "node:timers/promises";
import { type FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import { messageOf, TrendsError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { type Batch, countLines, packLines } from "./packing.ts";
import { backoffMs, isRetryable, isThrottle, Pacer } from "./retry.ts";
import { PackingSink, type PackingSinkOptions } from "./sink.ts";
import { Spool, spooledLines } from "./spool.ts";

export interface FirehoseRetryOptions {
  /** First backoff step; doubled per attempt, full jitter. */
  baseMs: number;
  maxMs: number;
  /** How long one batch is retried before it is spooled and the sink turns to the spool. */
  spoolAfterMs: number;
  /** One PutRecordBatch call is abandoned (and retried) after this long. */
  callTimeoutMs: number;
  /** First pause between replay attempts while the stream is unavailable; doubles up to maxMs·4. */
  probeMs: number;
  /** `close()` replays the spool for at most this long; the rest stays for the next run. */
  closeTimeoutMs: number;
  /** Largest gap the throttling pacer puts between calls. */
  maxThrottleGapMs: number;
}

export const DEFAULT_FIREHOSE_RETRY: FirehoseRetryOptions = Object.freeze({
  baseMs: 100,
  maxMs: 5000,
  spoolAfterMs: 20_000,
  callTimeoutMs: 15_000,
  probeMs: 1000,
  closeTimeoutMs: 30_000,
  maxThrottleGapMs: 2000,
});

export interface FirehoseSinkOptions extends PackingSinkOptions {
  /** Build it with `createFirehose({ ...aws, maxAttempts: 1 })`: this sink does its own retries. */
  client: FirehoseClient;
  stream: string;
  /** Durable overflow directory, one per stream (under the cache dir). */
  spoolDir: string;
  retry?: Partial<FirehoseRetryOptions>;
  random?: () => number;
}

/**
 * Kinesis Data Firehose through PutRecordBatch. At least once, never silently lossy:
 * - a partial failure (`FailedPutCount` > 0 on a 200) resends only the entries whose
 *   `RequestResponses[i]` carries an ErrorCode (the responses follow the request order);
 * - throttling and 5xx are retried with full-jitter backoff, and throttling widens the gap
 *   between calls ({@link Pacer});
 * - a batch still unsent after `spoolAfterMs` is appended to the durable spool, and while the
 *   stream is unavailable new batches go there directly; a replay loop probes the stream and
 *   drains the spool, oldest first, once it answers again.
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
 */
export class FirehoseSink extends PackingSink {
  readonly kind = "firehose";
  private readonly client: FirehoseClient;
  private readonly stream: string;
  private readonly spool: Spool;
  private readonly retry: FirehoseRetryOptions;
  private readonly random: () => number;
  private readonly pacer: Pacer;
  private degraded = false;
  private replaying: Promise<void> | undefined;
  private closeDeadline = Number.POSITIVE_INFINITY;
  private stopped = false;
  private lastError: string | undefined;

  constructor(o: FirehoseSinkOptions) {
    super({ concurrency: 2, ...o });
    this.client = o.client;
    this.stream = o.stream;
    this.spool = new Spool(o.spoolDir);
    this.retry = { ...DEFAULT_FIREHOSE_RETRY, ...o.retry };
    this.pacer = new Pacer(this.retry.maxThrottleGapMs);
    this.random = o.random ?? Math.random;
    const left = this.spool.pendingBytes();
    if (left > 0) {
      log().info({ spool: o.spoolDir, bytes: left }, "replaying data spooled by an earlier run");
      this.startReplay();
    }
  }

  /** True while the stream is unavailable and new batches go to the spool. */
  get isDegraded(): boolean {
    return this.degraded;
  }

  protected async deliver(batch: Batch): Promise<void> {
    if (this.degraded) {
      await this.toSpool(batch.records, batch.lines);
      return;
    }
    const unsent = await this.send(batch.records, Date.now() + this.retry.spoolAfterMs);
    if (unsent.length > 0) {
      await this.toSpool(unsent);
      if (!this.degraded) {
        this.degraded = true;
        log().warn(
          { stream: this.stream, spool: this.spool.dir, error: this.lastError },
          "firehose unavailable: spooling to disk until it answers again",
        );
      }
      this.startReplay();
    }
  }

  override async close(): Promise<void> {
    this.closeDeadline = Date.now() + this.retry.closeTimeoutMs;
    try {
      await super.close();
      if (!this.spool.isEmpty()) this.startReplay();
      while (this.replaying) await this.replaying;
    } finally {
      this.stopped = true;
      await this.spool.close();
      const left = this.spool.pendingBytes();
      if (left > 0)
        log().warn(
          { spool: this.spool.dir, bytes: left },
          "firehose still unavailable at shutdown: spooled data stays on disk and is sent by the next `trends ingest`",
        );
    }
  }

  /**
   * Sends records until every one is acknowledged or `deadline` passes; returns the unsent ones.
   * A non-retryable error spools what is left and throws: the caller cannot fix it by waiting.
   */
  private async send(records: Buffer[], deadline: number): Promise<Buffer[]> {
    let pending = records;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.counters.retries++;
      await this.pacer.wait();
      this.counters.calls++;
      try {
        const res = await this.client.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: this.stream,
            Records: pending.map((Data) => ({ Data })),
          }),
          { abortSignal: AbortSignal.timeout(this.retry.callTimeoutMs) },
        );
        pending = this.settle(pending, res.FailedPutCount ?? 0, res.RequestResponses ?? []);
        if (pending.length === 0) return pending;
      } catch (e) {
        if (!isRetryable(e)) {
          await this.toSpool(pending);
          throw new TrendsError(`firehose PutRecordBatch to ${this.stream} failed: ${messageOf(e)}`, {
            fix: `check that delivery stream ${this.stream} exists in this region and the credentials may write to it; the data is kept in ${this.spool.dir}`,
            cause: e,
          });
        }
        if (isThrottle(e)) {
          this.counters.throttled++;
          this.pacer.throttled();
        }
        this.lastError = messageOf(e);
      }
      if (Date.now() >= Math.min(deadline, this.closeDeadline)) return pending;
      await sleep(backoffMs(attempt, this.retry.baseMs, this.retry.maxMs, this.random));
    }
  }

  /** Books what was acknowledged and returns what must be resent. */
  private settle(
    sent: Buffer[],
    failedCount: number,
    responses: readonly { RecordId?: string; ErrorCode?: string; ErrorMessage?: string }[],
  ): Buffer[] {
    if (failedCount === 0) {
      this.book(sent);
      this.pacer.succeeded();
      return [];
    }
    if (responses.length !== sent.length) {
      // Cannot tell which entries failed: resend all (duplicates are removed by the steps' dedup).
      this.lastError = `FailedPutCount ${failedCount} with ${responses.length} responses for ${sent.length} records`;
      return sent;
    }
    const ok: Buffer[] = [];
    const failed: Buffer[] = [];
    let throttled = false;
    responses.forEach((r, i) => {
      if (r.ErrorCode) {
        failed.push(sent[i]!);
        throttled ||= r.ErrorCode === "ServiceUnavailableException" || r.ErrorCode === "ThrottlingException";
        this.lastError = `${r.ErrorCode}: ${r.ErrorMessage ?? ""}`;
      } else {
        ok.push(sent[i]!);
      }
    });
    this.book(ok);
    if (throttled) {
      this.counters.throttled++;
      this.pacer.throttled();
    } else {
      this.pacer.succeeded();
    }
    return failed;
  }

  private book(records: Buffer[]): void {
    let lines = 0;
    for (const r of records) lines += countLines(r);
    this.booked(records, lines);
  }

  private async toSpool(records: readonly Uint8Array[], lines?: number): Promise<void> {
    await this.spool.append(records);
    let n = lines ?? 0;
    if (lines === undefined) for (const r of records) n += countLines(r);
    this.counters.linesSpooled += n;
  }

  private startReplay(): void {
    if (this.replaying || this.stopped) return;
    this.replaying = this.replayLoop()
      .catch((e: unknown) => {
        log().error({ err: e, spool: this.spool.dir }, "replaying the spool failed; the data stays on disk");
      })
      .finally(() => {
        this.replaying = undefined;
      });
  }

  /** Drains the spool oldest segment first; between failed attempts it waits longer each time. */
  private async replayLoop(): Promise<void> {
    let pause = this.retry.probeMs;
    while (!this.stopped && !this.spool.isEmpty()) {
      if (Date.now() >= this.closeDeadline) return;
      const seg = await this.spool.oldest();
      if (!seg) return;
      const { lines, ends, fragment } = spooledLines(seg.data, seg.offset);
      if (fragment > 0)
        log().warn(
          { segment: seg.path, bytes: fragment },
          "spool segment ends in a partial line (crash while spooling); skipped",
        );
      const done = await this.replaySegment(seg.path, lines, ends, seg.data.length, async (offset) => {
        await this.spool.delivered(seg, offset);
      });
      if (done) {
        pause = this.retry.probeMs;
        if (this.degraded) {
          this.degraded = false;
          log().info(
            { stream: this.stream },
            "firehose answers again: sending directly and draining the spool",
          );
        }
      } else {
        await sleep(Math.min(pause, Math.max(0, this.closeDeadline - Date.now())));
        pause = Math.min(pause * 2, this.retry.maxMs * 4);
      }
    }
  }

  /** Re-packs a segment's lines and sends them batch by batch; false when the stream is still down. */
  private async replaySegment(
    path: string,
    lines: string[],
    ends: number[],
    size: number,
    progress: (offset: number) => Promise<void>,
  ): Promise<boolean> {
    for (const { batch, end } of packLines(lines, this.limits)) {
      const unsent = await this.send(
        batch.records,
        Date.now() + (this.degraded ? 0 : this.retry.spoolAfterMs),
      );
      this.counters.linesReplayed += batch.lines - unsent.reduce((n, r) => n + countLines(r), 0);
      const offset = end === lines.length ? size : ends[end - 1]!;
      if (unsent.length > 0) {
        if (unsent.length < batch.records.length) {
          // Part of the batch went through: keep only the rest, in a newer segment, so nothing repeats.
          await this.spool.append(unsent);
          await progress(offset);
        }
        log().debug({ segment: path }, "spool replay: stream still unavailable");
        return false;
      }
      await progress(offset);
    }
    if (lines.length === 0) await progress(size);
    return true;
  }
}
