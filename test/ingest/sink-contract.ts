import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { PackingLimits, Sink } from "../../ingest/sinks/index.ts";

/** A sink under test plus a way to read back every object its destination holds. */
export interface SinkHarness {
  sink: Sink;
  /** Every delivered object's bytes (S3 objects, files), in any order. */
  objects(): Promise<Buffer[]>;
}

export interface HarnessOptions {
  flushMs: number;
  limits?: PackingLimits;
  highWaterBytes?: number;
}

/**
 * The one suite every sink passes (Hono's `runTest` style): N lines in → exactly those N lines
 * out as a multiset, and every object is complete lines concatenated. Each sink's own test file
 * only says how to build it and how to read its destination.
 */
export function runSinkContract(name: string, newHarness: (o: HarnessOptions) => Promise<SinkHarness>): void {
  describe(`sink contract: ${name}`, () => {
    it("delivers exactly the lines written, as complete lines per object", async () => {
      const h = await newHarness({ flushMs: 60_000 });
      const lines = sampleLines(300);
      for (const l of lines) if (!h.sink.write(l)) await h.sink.drain();
      await h.sink.close();
      const objects = await h.objects();
      expectCompleteLines(objects);
      expect(sorted(splitLines(objects))).toEqual(sorted(lines));
      const s = h.sink.stats();
      expect(s.linesIn).toBe(300);
      expect(s.linesDelivered).toBe(300);
      expect(s.linesRejected).toBe(0);
      expect(s.bytesSent).toBe(lines.reduce((n, l) => n + Buffer.byteLength(l), 0));
    });

    it("splits records and batches at the limits and rejects a line larger than a record", async () => {
      // 100-byte lines, records of ≤ 250 bytes (2 lines), batches of ≤ 3 records.
      const limits = { maxRecordBytes: 250, maxBatchRecords: 3, maxBatchBytes: 10_000 };
      const h = await newHarness({ flushMs: 60_000, limits });
      const lines = Array.from({ length: 13 }, (_, i) => fixedLine(i, 100));
      const huge = fixedLine(99, 251);
      for (const l of [...lines.slice(0, 5), huge, ...lines.slice(5)]) h.sink.write(l);
      await h.sink.close();
      const objects = await h.objects();
      expectCompleteLines(objects);
      expect(sorted(splitLines(objects))).toEqual(sorted(lines));
      const s = h.sink.stats();
      expect(s.linesRejected).toBe(1);
      expect(s.linesDelivered).toBe(13);
      // 13 lines → 7 records (6 × 2 lines + 1) → 3 batches (3 + 3 + 1 records), 5 KB billed each.
      expect(s.records).toBe(7);
      expect(s.billedBytes).toBe(7 * 5120);
      expect(objects.map((o) => o.length).sort((a, b) => a - b)).toEqual([100, 600, 600]);
    });

    it("flushes on its own after flushMs", async () => {
      const h = await newHarness({ flushMs: 50 });
      const lines = sampleLines(3);
      for (const l of lines) h.sink.write(l);
      let objects: Buffer[] = [];
      for (let i = 0; i < 200 && splitLines(objects).length < 3; i++) {
        await sleep(50);
        objects = await h.objects();
      }
      expect(sorted(splitLines(objects))).toEqual(sorted(lines));
      await h.sink.close();
    });

    it("applies backpressure above its high-water mark and still delivers everything", async () => {
      const limits = { maxRecordBytes: 1024, maxBatchRecords: 2, maxBatchBytes: 4096 };
      const h = await newHarness({ flushMs: 60_000, limits, highWaterBytes: 2048 });
      const lines = sampleLines(200);
      let refused = 0;
      for (const l of lines) {
        if (!h.sink.write(l)) {
          refused++;
          await h.sink.drain();
        }
      }
      await h.sink.close();
      expect(refused).toBeGreaterThan(0);
      expect(sorted(splitLines(await h.objects()))).toEqual(sorted(lines));
    });

    it("writes nothing when nothing was written", async () => {
      const h = await newHarness({ flushMs: 60_000 });
      await h.sink.close();
      expect(await h.objects()).toEqual([]);
    });
  });
}

/** Lines of varied size and content: ASCII, multi-byte text, emoji, escapes. */
export function sampleLines(n: number): string[] {
  const texts = ["plain", "ünïcödé ✓", "emoji 🎉🔥", 'quote " and \\ backslash', "x".repeat(700)];
  return Array.from(
    { length: n },
    (_, i) => `${JSON.stringify({ v: 1, id: String(i), text: texts[i % texts.length] })}\n`,
  );
}

/** A JSON line of exactly `bytes` bytes (ASCII), including its `\n`. */
export function fixedLine(i: number, bytes: number): string {
  const head = `{"id":"${i}","pad":"`;
  const tail = `"}\n`;
  return head + "p".repeat(bytes - head.length - tail.length) + tail;
}

export function splitLines(objects: readonly Buffer[]): string[] {
  return objects.flatMap((o) =>
    o
      .toString("utf8")
      .split(/(?<=\n)/)
      .filter((l) => l.length > 0),
  );
}

function expectCompleteLines(objects: readonly Buffer[]): void {
  for (const o of objects) {
    expect(o.length).toBeGreaterThan(0);
    expect(o[o.length - 1]).toBe(10);
    for (const l of splitLines([o])) expect(() => JSON.parse(l)).not.toThrow();
  }
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();
