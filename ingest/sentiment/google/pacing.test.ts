import { describe, expect, it } from "vitest";
import { googleLanguage } from "./languages.ts";
import { backoffMs, RateLimiter } from "./pacing.ts";

describe("RateLimiter", () => {
  it("spaces requests 60,000 / rpm ms apart from the first free slot", async () => {
    let now = 1_000;
    const waits: number[] = [];
    const rl = new RateLimiter(
      600,
      () => now,
      async (ms) => void waits.push(ms),
    );
    await rl.take();
    await rl.take();
    await rl.take();
    now = 1_150;
    await rl.take();
    now = 2_000;
    await rl.take();
    expect(waits).toEqual([0, 100, 200, 150, 0]);
  });
});

describe("backoffMs", () => {
  it("draws from [0, min(max, base·2^attempt))", () => {
    expect(backoffMs(0, 250, 8_000, () => 0.5)).toBe(125);
    expect(backoffMs(3, 250, 8_000, () => 0.5)).toBe(1_000);
    expect(backoffMs(10, 250, 8_000, () => 0.999)).toBe(7_992);
  });
});

describe("googleLanguage", () => {
  it("maps X codes, lets Google detect undetermined text, refuses unsupported languages", () => {
    expect([googleLanguage("en"), googleLanguage("in"), googleLanguage("und"), googleLanguage(null)]).toEqual(
      ["en", "id", undefined, undefined],
    );
    expect(googleLanguage("fi")).toBeNull();
  });
});
