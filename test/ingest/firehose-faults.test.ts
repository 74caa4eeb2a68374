import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FirehoseSink, type FirehoseSinkOptions, runPipeline, type Source } from "../../ingest/index.ts";
import { createFirehose } from "../../runtime/aws/index.ts";
import {
  type FaultProxy,
  internal,
  startFaultProxy,
  throttle,
  unavailable,
} from "../fakes/fault-proxy/index.ts";
import { localAws } from "../support/services.ts";
import { freshStream, readBucket } from "./aws.ts";
import { lengthAnalyser, listSource, tweetId, xMessage } from "./messages.ts";
import { splitLines } from "./sink-contract.ts";

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(localAws().endpoint);
});
afterAll(() => proxy.close());

/** A sink through the proxy with fast retries; one event per record, so entries = events. */
async function sinkThroughProxy(o: Partial<FirehoseSinkOptions> = {}) {
  const { bucket, stream, s3 } = await freshStream();
  const spoolDir = o.spoolDir ?? mkdtempSync(join(tmpdir(), "trends-spool-"));
  const sink = new FirehoseSink({
    client: createFirehose({ ...localAws(), endpoint: proxy.url, maxAttempts: 1 }),
    stream,
    spoolDir,
    limits: { maxRecordBytes: 1000, maxBatchRecords: 25, maxBatchBytes: 1 << 20 },
    retry: { baseMs: 5, maxMs: 100, maxThrottleGapMs: 100, spoolAfterMs: 1000, probeMs: 100, ...o.retry },
    flushMs: 20,
    ...o,
  });
  const ids = async () =>
    splitLines((await readBucket(s3, bucket)).map((x) => x.body)).map(
      (l) => (JSON.parse(l) as { id: string }).id,
    );
  return { sink, ids, spoolDir };
}

const expectedIds = (n: number) => Array.from({ length: n }, (_, i) => tweetId(i)).sort();
const events = (n: number) => Array.from({ length: n }, (_, i) => xMessage(i));

describe("firehose sink under injected faults", () => {
  it("delivers all events exactly once through partial failures, 500s, throttling and resets", async () => {
    // A long spool deadline: this test is about retries (the pacer's throttling gaps add up).
    const { sink, ids } = await sinkThroughProxy({ retry: { spoolAfterMs: 60_000 } });
    const before = proxy.calls.length;
    proxy.plan([
      { kind: "partial", fail: (i) => i % 3 === 0 },
      internal,
      throttle,
      { kind: "partial", fail: () => true },
      unavailable,
      { kind: "reset" },
      { kind: "partial", fail: (i) => i % 2 === 1, errorCode: "InternalFailure" },
      { kind: "partial", fail: (i) => i < 5 },
    ]);
    const n = 400;
    const summary = await runPipeline({
      source: listSource(events(n)),
      analyser: lengthAnalyser,
      sink,
      progressMs: 0,
    });
    const got = await ids();
    expect(got).toHaveLength(n);
    expect(got.sort()).toEqual(expectedIds(n));
    const faults = proxy.calls.slice(before).filter((c) => c.fault !== "none");
    // Two calls are in flight at a time, so faults are recorded in completion order: compare sorted.
    expect(faults.map((c) => c.fault).sort()).toEqual(
      [
        "partial",
        "InternalFailure",
        "ThrottlingException",
        "partial",
        "ServiceUnavailableException",
        "reset",
        "partial",
        "partial",
      ].sort(),
    );
    const s = summary.sinkStats;
    expect(s.linesDelivered).toBe(n);
    expect(s.retries).toBe(8);
    // One ThrottlingException, one ServiceUnavailableException, and the partial failures whose
    // entries carry ServiceUnavailableException (the first, fourth and last).
    expect(s.throttled).toBe(5);
    expect(s.linesSpooled).toBe(0);
  });

  it("at least once: entries stored but reported failed come back as duplicates, nothing else does", async () => {
    const { sink, ids } = await sinkThroughProxy();
    const before = proxy.calls.length;
    proxy.plan([
      { kind: "partial-forwarded", fail: (i) => i % 4 === 0 },
      { kind: "partial-forwarded", fail: (i) => i === 1 },
    ]);
    const n = 200;
    await runPipeline({ source: listSource(events(n)), analyser: lengthAnalyser, sink, progressMs: 0 });
    const got = await ids();
    const dupes = proxy.calls
      .slice(before)
      .filter((c) => c.fault === "partial-forwarded")
      .reduce((k, c) => k + c.reportedFailed, 0);
    // 25 records per call: 7 reported failed in the first call (0, 4, …, 24), 1 in the second.
    expect(dupes).toBe(8);
    expect(got).toHaveLength(n + dupes);
    expect([...new Set(got)].sort()).toEqual(expectedIds(n));
  });

  it("stopped during an outage, it spools everything and the next run sends it", async () => {
    const first = await sinkThroughProxy({ retry: { spoolAfterMs: 200, closeTimeoutMs: 300 } });
    proxy.outage(60_000);
    const stop = new AbortController();
    let k = 0;
    const endless: Source = {
      name: "endless",
      async *messages(signal) {
        while (!signal.aborted) {
          yield xMessage(k++);
          if (k === 150) stop.abort(); // like SIGINT in the middle of the stream
          await new Promise((r) => setImmediate(r));
        }
      },
    };
    const summary = await runPipeline({
      source: endless,
      analyser: lengthAnalyser,
      sink: first.sink,
      signal: stop.signal,
      progressMs: 0,
    });
    expect(summary.stoppedBy).toBe("signal");
    expect(summary.events).toBe(150);
    expect(summary.sinkStats.linesSpooled).toBe(150);
    expect(summary.sinkStats.linesDelivered).toBe(0);
    expect(readdirSync(first.spoolDir).length).toBeGreaterThan(0);

    proxy.outage(0);
    const second = await sinkThroughProxy({ spoolDir: first.spoolDir });
    await second.sink.close();
    expect(second.sink.stats().linesReplayed).toBe(150);
    expect(readdirSync(first.spoolDir)).toEqual([]);
    // The second sink writes to its own fresh stream and bucket.
    expect((await second.ids()).sort()).toEqual(expectedIds(150));
  });

  /** Firehose unavailable for `outageMs`: batches spool after spoolAfterMs, then replay. */
  async function outage(outageMs: number): Promise<void> {
    const { sink, ids, spoolDir } = await sinkThroughProxy({ retry: { closeTimeoutMs: outageMs + 30_000 } });
    proxy.outage(outageMs);
    for (let i = 0; i < 200; i++) sink.write(`${JSON.stringify({ id: tweetId(i) })}\n`);
    await sink.flush();
    expect(sink.isDegraded).toBe(true);
    // While degraded, new batches go straight to the spool.
    for (let i = 200; i < 400; i++) sink.write(`${JSON.stringify({ id: tweetId(i) })}\n`);
    await sink.flush();
    expect(sink.stats().linesSpooled).toBe(400);
    await sink.close();
    const s = sink.stats();
    expect(s.linesReplayed).toBe(400);
    expect(s.linesDelivered).toBe(400);
    expect(sink.isDegraded).toBe(false);
    expect(readdirSync(spoolDir)).toEqual([]);
    const got = await ids();
    expect(got).toHaveLength(400);
    expect(got.sort()).toEqual(expectedIds(400));
  }

  it("rides out a 30 s outage: spools to disk, replays when Firehose is back, loses nothing", async () => {
    await outage(30_000);
  }, 120_000);
});
