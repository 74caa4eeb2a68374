import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirSink, runPipeline } from "../../ingest/index.ts";
import { xStreamSource } from "../../ingest/sources/x-stream/index.ts";
import { isTrendsError } from "../../runtime/errors/index.ts";
import { type FakeXServer, startFakeXServer } from "../fakes/x-stream/index.ts";
import { lengthAnalyser, tweetId, xMessage } from "./messages.ts";

const TOKEN = "test-bearer-token";
// The same schedule as X's guidance, in milliseconds instead of seconds.
const FAST = {
  networkStepMs: 10,
  networkMaxMs: 100,
  httpBaseMs: 20,
  httpMaxMs: 200,
  rateLimitBaseMs: 40,
  rateLimitMaxMs: 400,
};

let x: FakeXServer;
beforeAll(async () => {
  x = await startFakeXServer({ token: TOKEN, heartbeatMs: 50 });
});
afterAll(() => x.close());

describe("x filtered stream source against the fake X server", () => {
  it("delivers every tweet sent before and after a cut message, a 429, a 503 and a stall", async () => {
    const m = (i: number) => ({ send: xMessage(i) });
    x.script([
      {
        steps: [
          m(0),
          { heartbeat: true },
          m(1),
          m(2),
          { heartbeat: true },
          m(3),
          m(4),
          { raw: "{oops\r\n" },
          m(5),
          { cut: xMessage(6) },
        ],
      },
      { status: 429 },
      { status: 503 },
      // The cut message was never completely sent, so the stream sends it again after reconnecting.
      { steps: [m(6), m(7), { wait: 20 }, m(8), m(9), { stall: true }] },
      { steps: [m(10), m(11), m(12), { heartbeat: true }, m(13), m(14)] },
    ]);
    const before = x.requests.length;
    const out = mkdtempSync(join(tmpdir(), "trends-x-"));
    const summary = await runPipeline({
      source: xStreamSource({ bearerToken: TOKEN, apiUrl: x.url, backoff: FAST, keepAliveMs: 400 }),
      analyser: lengthAnalyser,
      sink: new DirSink({ out, flushMs: 50 }),
      maxEvents: 15,
      batchMs: 20,
      progressMs: 0,
    });
    expect(summary).toMatchObject({ events: 15, messages: 16, badMessages: 1, stoppedBy: "max-events" });
    expect(summary.badReasons).toEqual({ "bad JSON": 1 });

    const lines = readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && !d.name.startsWith("."))
      .flatMap((d) => readFileSync(join(d.parentPath, d.name), "utf8").split("\n").filter(Boolean));
    const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids.sort()).toEqual(Array.from({ length: 15 }, (_, i) => tweetId(i)).sort());

    const streamRequests = x.requests.slice(before).filter((r) => r.path === "/2/tweets/search/stream");
    expect(streamRequests).toHaveLength(5);
    expect(streamRequests.every((r) => r.authorized)).toBe(true);
    const q = streamRequests[0]!.query;
    expect(q.get("tweet.fields")).toBe(
      "created_at,public_metrics,referenced_tweets,lang,conversation_id,note_tweet",
    );
    expect(q.get("expansions")).toBe("author_id,referenced_tweets.id,referenced_tweets.id.author_id");
    expect(q.get("user.fields")).toBe("public_metrics");
  });

  it("stops with a one-line error (exit 3) when X rejects the token", async () => {
    const source = xStreamSource({ bearerToken: "wrong", apiUrl: x.url, backoff: FAST });
    const ac = new AbortController();
    let error: unknown;
    try {
      for await (const _ of source.messages(ac.signal)) break;
    } catch (e) {
      error = e;
    }
    expect(isTrendsError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^X rejected the bearer token while connecting to the filtered stream \(401\)/,
    );
    expect((error as { exitCode: number }).exitCode).toBe(3);
  });

  it("returns when aborted while the stream is idle", async () => {
    const ac = new AbortController();
    const source = xStreamSource({ bearerToken: TOKEN, apiUrl: x.url, backoff: FAST });
    setTimeout(() => ac.abort(), 200);
    const got: string[] = [];
    for await (const msg of source.messages(ac.signal)) got.push(msg);
    expect(got).toEqual([]);
  });
});
