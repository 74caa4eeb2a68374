import { describe, expect, it } from "vitest";
import type { SentimentAnalyser } from "../types.ts";

/**
 * The suite every analyser passes (Hono's `runTest` style): one output per input in order, scores
 * in −1…1, magnitudes ≥ 0, and null only where the analyser documents it (`nullable`).
 */
export function analyserContract(
  label: string,
  make: () => Promise<SentimentAnalyser> | SentimentAnalyser,
  expectations: { nullable: "never" | "always" | "sometimes"; name: string },
): void {
  describe(`analyser contract: ${label}`, () => {
    const texts = [
      { text: "I love this, it's wonderful 😍", lang: "en" },
      { text: "This is the worst, I hate it 😡", lang: "en" },
      { text: "The store opens at nine", lang: "en" },
      { text: "", lang: null },
      { text: "¡Qué producto tan bueno!", lang: "es" },
      { text: "cut \uFFFD here", lang: "en" },
    ];

    it("returns one result per text, in range", async () => {
      const a = await make();
      try {
        expect(a.name).toBe(expectations.name);
        const out = await a.analyse(texts);
        expect(out).toHaveLength(texts.length);
        for (const s of out) {
          if (s === null) {
            expect(expectations.nullable).not.toBe("never");
            continue;
          }
          expect(expectations.nullable).not.toBe("always");
          expect(s.score).toBeGreaterThanOrEqual(-1);
          expect(s.score).toBeLessThanOrEqual(1);
          expect(s.magnitude).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(s.score) && Number.isFinite(s.magnitude)).toBe(true);
        }
        if (expectations.nullable === "never") {
          expect(out[0]!.score).toBeGreaterThan(0.25);
          expect(out[1]!.score).toBeLessThan(-0.25);
        }
        expect(await a.analyse([])).toEqual([]);
      } finally {
        await a.close?.();
      }
    });
  });
}
