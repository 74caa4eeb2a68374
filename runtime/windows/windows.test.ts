import { describe, expect, it } from "vitest";
import { inputHourPrefixes, isDue, parseDuration, windowAt, windowsBetween } from "./index.ts";

describe("windows", () => {
  it("rejects an unaligned start and suggests the aligned one", () => {
    expect(() => windowAt(new Date("2026-11-26T04:07:00Z"), 15)).toThrow(/not on a 15-minute boundary/);
  });

  it("lists the windows of a range oldest first", () => {
    const ws = windowsBetween(new Date("2026-11-26T04:00:00Z"), new Date("2026-11-26T05:00:00Z"), 15);
    expect(ws.map((w) => w.start.toISOString().slice(11, 16))).toEqual(["04:00", "04:15", "04:30", "04:45"]);
  });

  it("is due only after the lateness allowance", () => {
    const w = windowAt(new Date("2026-11-26T04:00:00Z"), 15);
    expect(isDue(w, new Date("2026-11-26T04:24:59Z"), 10)).toBe(false);
    expect(isDue(w, new Date("2026-11-26T04:25:00Z"), 10)).toBe(true);
  });

  it("reads the arrival hours from one before the window to the end of its lateness", () => {
    const w = windowAt(new Date("2026-11-26T04:45:00Z"), 15);
    expect(inputHourPrefixes(w, 10)).toEqual(["2026/11/26/03/", "2026/11/26/04/", "2026/11/26/05/"]);
  });

  it("parses durations", () => {
    expect(parseDuration("15m", "--every")).toBe(900_000);
    expect(() => parseDuration("soon", "--since")).toThrow(/--since "soon" is not a duration/);
  });
});
