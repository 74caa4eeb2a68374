import { describe, expect, it } from "vitest";
import { lengthAnalyser, listSource, tweetId, xMessage } from "../../test/ingest/messages.ts";
import { MemorySink } from "../sinks/memory.ts";
import { type NormaliseResult, OVERSIZED_MESSAGE, type Source } from "../types.ts";
import { batches } from "./batches.ts";
import { KEPT_REASONS, OTHER_REASONS, OVERSIZED_REASON, runPipeline } from "./pipeline.ts";
import { formatSummary } from "./summary.ts";

const FIXED = () => Date.parse("2026-11-26T04:15:04.000Z");
const lines = (sink: MemorySink) => sink.objects.flatMap((o) => o.toString().split("\n").filter(Boolean));

describe("pipeline", () => {
  it("turns messages into one v1 line each, skips and counts malformed ones", async () => {
    const { createNormaliser } = await import("../normalise/index.ts");
    const sink = new MemorySink();
    const summary = await runPipeline({
      source: listSource([
        xMessage(0),
        "{bad",
        xMessage(1, { text: "this will fail to score" }),
        "[]",
        xMessage(2),
      ]),
      analyser: lengthAnalyser,
      sink,
      batchSize: 2,
      progressMs: 0,
      normalise: createNormaliser({ now: FIXED }),
    });
    expect(summary).toMatchObject({
      source: "list",
      sentiment: "test",
      sink: "memory",
      stoppedBy: "end",
      messages: 5,
      events: 3,
      badMessages: 2,
      badReasons: { "bad JSON": 1, "not a JSON object": 1 },
      scored: 2,
      unscored: 1,
    });
    const out = lines(sink).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((r) => r.id)).toEqual([tweetId(0), tweetId(1), tweetId(2)]);
    // "tweet number 0 about acme 🎉" is 28 UTF-16 units: score 0.8 from the test analyser.
    expect(out[0]).toMatchObject({
      ingested_at: "2026-11-26T04:15:04.000Z",
      sentiment_score: 0.8,
      sentiment_magnitude: 1,
      sentiment_source: "test",
    });
    expect(out[1]).toMatchObject({
      sentiment_score: null,
      sentiment_magnitude: null,
      sentiment_source: null,
    });
    expect(summary.sinkStats.linesDelivered).toBe(3);
  });

  it("stops at exactly --max-events and stops the source", async () => {
    let pulled = 0;
    const endless: Source = {
      name: "endless",
      async *messages(signal) {
        for (let i = 0; !signal.aborted; i++) {
          pulled++;
          yield xMessage(i);
        }
      },
    };
    const sink = new MemorySink();
    const summary = await runPipeline({
      source: endless,
      analyser: lengthAnalyser,
      sink,
      maxEvents: 1234,
      batchSize: 100,
      progressMs: 0,
    });
    expect(summary.events).toBe(1234);
    expect(summary.stoppedBy).toBe("max-events");
    expect(lines(sink)).toHaveLength(1234);
    expect(pulled).toBeLessThanOrEqual(1300);
  });

  it("reports progress with the sink's counters", async () => {
    const seen: number[] = [];
    const slow: Source = {
      name: "slow",
      async *messages(signal) {
        for (let i = 0; i < 3 && !signal.aborted; i++) {
          yield xMessage(i);
          await new Promise((r) => setTimeout(r, 60));
        }
      },
    };
    await runPipeline({
      source: slow,
      analyser: lengthAnalyser,
      sink: new MemorySink(),
      batchMs: 5,
      progressMs: 20,
      onProgress: (p) => seen.push(p.events),
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
  });

  it("formats a readable summary", async () => {
    const summary = await runPipeline({
      source: listSource([xMessage(0), "{bad"]),
      analyser: lengthAnalyser,
      sink: new MemorySink(),
      progressMs: 0,
    });
    const text = formatSummary({ ...summary, seconds: 2 });
    expect(text).toContain("ingested 1 events from list in 2.0 s");
    expect(text).toContain("bad messages skipped: 1 (1 × bad JSON)");
    expect(text).toContain("sink memory: 1 lines delivered in 1 records / 1 calls");
  });
});

describe("bad message counts (issue 29)", () => {
  const run = (messages: string[], normalise: (raw: string) => NormaliseResult) =>
    runPipeline({
      source: listSource(messages),
      analyser: lengthAnalyser,
      sink: new MemorySink(),
      progressMs: 0,
      normalise,
    });

  it("counts an over-long line as too long whatever the source's normaliser (the Bluesky mapper said bad JSON)", async () => {
    const seen: string[] = [];
    const summary = await run([OVERSIZED_MESSAGE, "{bad"], (raw) => {
      seen.push(raw);
      return { ok: false, reason: "bad JSON" };
    });
    expect(seen).toEqual(["{bad"]);
    expect(summary.badReasons).toEqual({ [OVERSIZED_REASON]: 1, "bad JSON": 1 });
  });

  it("keys reasons by what is wrong, not by the message they name, and keeps at most KEPT_REASONS", async () => {
    const uris = Array.from(
      { length: 500 },
      (_, i) => `at://did:plc:u${i}/app.bsky.feed.post/${i}: post without text`,
    );
    const kinds = Array.from({ length: 2 * KEPT_REASONS }, (_, i) => `odd defect ${i}`);
    const summary = await run([...uris, ...kinds], (raw) => ({ ok: false, reason: raw }));
    expect(summary.badMessages).toBe(uris.length + kinds.length);
    expect(summary.badReasons["post without text"]).toBe(uris.length);
    expect(Object.keys(summary.badReasons)).toHaveLength(KEPT_REASONS + 1);
    expect(summary.badReasons[OTHER_REASONS]).toBe(kinds.length - (KEPT_REASONS - 1));
    expect(Object.values(summary.badReasons).reduce((a, b) => a + b)).toBe(summary.badMessages);
  });
});

describe("batches", () => {
  it("groups by size and hands over a partial batch after maxWaitMs", async () => {
    async function* gen() {
      yield 1;
      yield 2;
      yield 3;
      await new Promise((r) => setTimeout(r, 100));
      yield 4;
    }
    const got: number[][] = [];
    for await (const b of batches(gen(), 2, 10)) got.push(b);
    expect(got).toEqual([[1, 2], [3], [4]]);
  });
});
