import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { blueskySource, formatSummary } from "../../ingest/index.ts";
import { connection, newConnectionState } from "../../ingest/sources/bluesky/connection.ts";
import { compileRule } from "../../ingest/sources/bluesky/rules.ts";
import { log, setLogger } from "../../runtime/log/index.ts";
import { DIDS, EVENT_IDS, FRAMES, frameTime, RECORDS_SENT } from "../fakes/jetstream/frames.ts";
import { type Ending, type FakeJetstream, startFakeJetstream } from "../fakes/jetstream/server.ts";
import { dedup, ingest } from "./bluesky-run.ts";

/** Issue 29, items 5, 6, 8 and 9: the Jetstream connection under hostile frames and failover. */

const MiB = 1024 * 1024;
const started: FakeJetstream[] = [];
let logged: string[] = [];
const previous = log();
beforeEach(() => {
  logged = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged.push(String(chunk));
      done();
    },
  });
  setLogger(pino({ level: "info" }, sink));
});
afterEach(async () => {
  setLogger(previous);
  await Promise.all(started.splice(0).map((js) => js.close()));
});

async function fake(frames: readonly string[], endings: Ending[] = []): Promise<FakeJetstream> {
  const js = await startFakeJetstream(frames);
  js.script(endings);
  started.push(js);
  return js;
}

/** Aborts once a fake has had more than `n` connections: a loop on old code ends, and the test fails on what is missing. */
function stopAfterConnections(js: FakeJetstream, n: number): AbortSignal {
  const stop = new AbortController();
  js.onConnection(() => {
    if (js.connections.length > n) stop.abort();
  });
  return stop.signal;
}

const source = (endpoints: string[]) =>
  blueskySource({
    rules: [compileRule("acme", "acme")],
    endpoints,
    silenceMs: 300,
    backoff: { baseMs: 5, maxMs: 20 },
    profiles: { appViewUrl: "http://127.0.0.1:1", backoffBaseMs: 1, backoffMaxMs: 2, minIntervalMs: 0 },
    mapper: { likeCopyMs: 0 },
  });

/** An identity frame of about `bytes` bytes, stamped between frames 3 and 4. */
const padded = (bytes: number) =>
  JSON.stringify({ did: DIDS.frank, time_us: frameTime(3) + 1, kind: "identity", pad: "x".repeat(bytes) });

/** The frames with every time_us moved by `us` (an instance whose clock is off). */
const shifted = (frames: readonly string[], us: number) =>
  frames.map((f) => {
    try {
      const o = JSON.parse(f) as { time_us: number };
      return JSON.stringify({ ...o, time_us: o.time_us + us });
    } catch {
      return f;
    }
  });

describe("bluesky connection hardening (issue 29)", () => {
  it("skips and counts a frame over 4 MiB that an instance sends anyway, and goes past it", async () => {
    const frames = [...FRAMES.slice(0, 4), padded(5 * MiB), ...FRAMES.slice(4)];
    const js = await fake(frames);
    const { summary, records } = await ingest(source([js.url]), RECORDS_SENT, stopAfterConnections(js, 3));
    expect([...dedup(records).keys()].sort()).toEqual(EVENT_IDS);
    expect(js.connections).toHaveLength(1);
    expect(js.connections[0]?.maxMessageSizeBytes).toBe(String(4 * MiB));
    expect(summary.sourceStats).toMatchObject({ framesTooLarge: 1 });
    expect(formatSummary(summary)).toContain("source bluesky: framesTooLarge 1");
    expect(logged.join("")).toContain("skipped a Jetstream frame over the size limit");
  });

  it("does not reconnect for ever on a frame too large to read: it says so and tries the next instance", async () => {
    const a = await fake([...FRAMES.slice(0, 4), padded(17 * MiB), ...FRAMES.slice(4)]);
    const b = await fake(FRAMES);
    const signal = stopAfterConnections(a, 3);
    const { summary, records } = await ingest(source([a.url, b.url]), RECORDS_SENT, signal);
    expect([...dedup(records).keys()].sort()).toEqual(EVENT_IDS);
    expect(summary.sourceStats).toMatchObject({ closedOnHugeFrame: 1, instanceSwitches: 1 });
    expect(logged.join("")).toContain("a Jetstream frame too large to read closed the connection");
  });

  it("bounds the receive queue in bytes and pauses the socket until the consumer catches up", async () => {
    const frame = (i: number) =>
      JSON.stringify({ did: DIDS.frank, time_us: frameTime(i), kind: "identity", pad: "y".repeat(MiB) });
    const total = 24;
    const js = await fake(Array.from({ length: total }, (_, i) => frame(i)));
    const state = newConnectionState();
    const stop = new AbortController();
    const frames = connection(
      js.url,
      { silenceMs: 5_000, maxQueueBytes: 4 * MiB, signal: stop.signal },
      state,
    );
    expect((await frames.next()).done).toBe(false);
    // The consumer stalls: with a bound in frames every frame would now pile up in the queue.
    while (!state.paused && state.queuedBytes < (total - 1) * MiB && !state.reason)
      await new Promise((r) => setTimeout(r, 5));
    expect(state.paused).toBe(true);
    // One frame may land after the bound is reached (the socket's chunk already read), no more.
    expect(state.peakQueuedBytes).toBeLessThan(6 * MiB);
    let got = 1;
    for await (const _ of frames) if (++got === total) break;
    expect(got).toBe(total);
    expect(state.peakQueuedBytes).toBeLessThan(6 * MiB);
    stop.abort();
  });

  it("rewinds by the failover bound on switching to an instance whose clock differs, and logs the switch", async () => {
    // A runs 30 s ahead, delivers frames 0–5, drops, then refuses; B has the true times.
    const ahead = 30_000_000;
    const a = await fake(shifted(FRAMES, ahead), [{ dropAfter: 6 }, ...Array(40).fill({ dropAfter: 0 })]);
    const b = await fake(FRAMES);
    const { summary, records } = await ingest(
      source([a.url, b.url]),
      RECORDS_SENT,
      // B's first connection delivers all it has; its second one ends the run.
      stopAfterConnections(b, 1),
    );
    expect([...dedup(records).keys()].sort()).toEqual(EVENT_IDS);
    expect(b.connections[0]?.cursor).toBe(frameTime(5) + ahead - 60_000_000);
    expect(summary.sourceStats).toMatchObject({ instanceSwitches: 1 });
    const switched = logged.map((l) => JSON.parse(l)).find((l) => /switching Jetstream instance/.test(l.msg));
    expect(switched).toMatchObject({ from: a.url, to: b.url, rewindMs: 60_000 });
  });

  it("never logs the credentials of a Jetstream URL", async () => {
    const js = await fake(FRAMES, [{ dropAfter: 3 }, { dropAfter: 0 }]);
    const url = js.url.replace("ws://", "ws://alice:s3cretPW@").concat("?token=tok123");
    await ingest(source([url, js.url]), RECORDS_SENT, stopAfterConnections(js, 4));
    const text = logged.join("");
    expect(text).toContain("reconnecting");
    expect(text).toContain("alice:***@");
    expect(text).not.toContain("s3cretPW");
    expect(text).not.toContain("tok123");
  });
});
