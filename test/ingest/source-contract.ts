import { describe, expect, it } from "vitest";
import { createAnalyser, MemorySink, runPipeline } from "../../ingest/index.ts";
import type { Source } from "../../ingest/types.ts";
import { EVENT_COLUMNS, validateEvent } from "../../sparkgen/schema/index.ts";

/** A source under test, and how many valid events it can give before it ends or idles. */
export interface SourceHarness {
  source: Source;
  /** At least this many events are available. */
  events: number;
}

/**
 * The one suite every source passes: it names itself; through the pipeline it gives v1 records
 * the validator and the step accept, fields in EVENT_V1 order; an aborted signal ends
 * `messages()` by returning, never by throwing, also mid-stream. Each source's test only says how
 * to build it (with its fake service, if it has one).
 */
export function runSourceContract(name: string, newHarness: () => Promise<SourceHarness>): void {
  describe(`source contract: ${name}`, () => {
    it("gives valid v1 records through the pipeline", async () => {
      const h = await newHarness();
      expect(h.source.name).toMatch(/^[a-z][a-z0-9-]*$/);
      const sink = new MemorySink({ flushMs: 10 });
      const summary = await runPipeline({
        source: h.source,
        analyser: createAnalyser("none"),
        sink,
        maxEvents: h.events,
        batchMs: 10,
        progressMs: 0,
      });
      expect(summary.events).toBe(h.events);
      const lines = Buffer.concat(sink.objects).toString("utf8").split("\n").filter(Boolean);
      expect(lines).toHaveLength(h.events);
      for (const l of lines) {
        const parsed = JSON.parse(l) as Record<string, unknown>;
        const v = validateEvent(parsed);
        expect(v.ok, v.ok ? "" : `${v.reason}: ${l.slice(0, 200)}`).toBe(true);
        expect(Object.keys(parsed)).toEqual(EVENT_COLUMNS.filter((c) => c in parsed));
      }
    });

    it("returns at once when the signal is already aborted", async () => {
      const h = await newHarness();
      const stop = new AbortController();
      stop.abort();
      const got: string[] = [];
      for await (const m of h.source.messages(stop.signal)) got.push(m);
      expect(got).toEqual([]);
    });

    it("returns, without throwing, when aborted mid-stream", async () => {
      const h = await newHarness();
      const stop = new AbortController();
      let n = 0;
      for await (const _ of h.source.messages(stop.signal)) {
        if (++n === 2) stop.abort();
        expect(n).toBeLessThan(10_000);
      }
      expect(n).toBeGreaterThanOrEqual(2);
    });
  });
}
