import { describe, expect, it } from "vitest";
import type { SpecCase } from "../spec/index.ts";
import { compareCase } from "./compare.ts";
import { LAYOUT_ORIGIN, layOut, parseAt } from "./layout.ts";

const W = 15 * 60_000;
const one = (c: Partial<SpecCase>): SpecCase => ({ name: "c", given: [], expect: [], ...c });

describe("layOut", () => {
  it("gives each case a block of its windows, with defaults and per-case ids", () => {
    const l = layOut(
      [
        { spec: "a", cases: [one({ given: [{}, { author_id: "u2", at: "01:30" }], name: "a1" })] },
        {
          spec: "b",
          cases: [one({ given: [{ window: 1, at: "00:00.250", id: "x", ref_id: "y" }], name: "b1" })],
        },
      ],
      W,
      17,
    );
    expect(l.placements.map((p) => [p.spec, p.firstWindow, p.windows])).toEqual([
      ["a", 0, 1],
      ["b", 1, 2],
    ]);
    expect(l.windows).toBe(3);
    expect(l.events.map((e) => [e.id, e.created_at, e.author_id, e.author_username, e.rules])).toEqual([
      ["c1:e1", "2030-01-01T00:00:00.000Z", "u1", "u1", ["acme"]],
      ["c1:e2", "2030-01-01T00:01:30.000Z", "u2", "u2", ["acme"]],
      ["c2:x", "2030-01-01T00:30:00.250Z", "u1", "u1", ["acme"]],
    ]);
    expect(l.events[2]?.ref_id).toBe("c2:y");
    expect(l.events[0]?.ingested_at).toBe("2030-01-01T00:00:01.000Z");
  });

  it("keeps cases of history metrics `gap` windows from every other case, and shares identical fixtures", () => {
    const fixture = {
      start: "2026-11-28T10:00:00.000Z",
      given: [{ created_at: "2026-11-28T10:00:10.000Z" }],
    };
    const l = layOut(
      [
        { spec: "alert", cases: [one({ given: [{}, { window: 2 }] })] },
        { spec: "a", cases: [one(fixture)] },
        { spec: "b", cases: [one(fixture)] },
      ],
      W,
      17,
      new Set(["alert"]),
    );
    // Plain cases first (sharing one block), then the alert's 17 windows later.
    expect(l.placements.map((p) => [p.spec, p.firstWindow, p.windows])).toEqual([
      ["a", 0, 1],
      ["b", 0, 1],
      ["alert", 18, 3],
    ]);
    expect(l.events).toHaveLength(3);
    expect(l.events[0]?.created_at).toBe("2030-01-01T00:00:10.000Z");
  });

  it("refuses a start off the window grid, an `at` outside the window, an event past the gap", () => {
    expect(() => layOut([{ spec: "a", cases: [one({ start: "2026-11-26T04:01:00Z" })] }], W, 17)).toThrow(
      /not a window start/,
    );
    expect(() => parseAt("15:00", W)).toThrow(/within a 15-minute window/);
    expect(() => parseAt("1:61", W)).toThrow(/mm:ss/);
    expect(() =>
      layOut([{ spec: "a", cases: [one({ windows: 1, given: [{ window: 30 }] })] }], W, 17),
    ).toThrow(/past the case's windows/);
  });
});

describe("compareCase", () => {
  const l = layOut(
    [{ spec: "m", cases: [one({ given: [{}], expect: [{ topic: "*", n: 2, share: 1 / 3 }] })] }],
    W,
    17,
  );
  const p = l.placements[0]!;
  const start = new Date(LAYOUT_ORIGIN);
  const stored = (n: string, share: number) => ({
    window_start: start,
    window_end: start,
    topic: "*",
    n,
    share,
  });

  it("matches stored rows as numbers to 9 decimals, bigint strings included", () => {
    const r = compareCase(p, "m.ts", [stored("2", 0.3333333333333)], W, LAYOUT_ORIGIN);
    expect([r.missing, r.unexpected]).toEqual([[], []]);
  });

  it("names the missing and the unexpected rows, and ignores rows outside the case's windows", () => {
    const outside = { ...stored("9", 0), window_start: new Date(LAYOUT_ORIGIN + W) };
    const r = compareCase(p, "m.ts", [stored("3", 0.5), outside], W, LAYOUT_ORIGIN);
    expect(r.missing).toEqual([JSON.stringify([0, ["topic", "*"], ["n", 2], ["share", 0.333333333]])]);
    expect(r.unexpected).toEqual([JSON.stringify([0, ["topic", "*"], ["n", 3], ["share", 0.5]])]);
  });
});
