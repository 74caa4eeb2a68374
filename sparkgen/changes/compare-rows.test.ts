import { describe, expect, it } from "vitest";
import { compareRows } from "./compare-rows.ts";

const t = new Date("2026-11-26T04:00:00Z");

describe("compareRows", () => {
  it("finds the same multiset equal whatever the order, doubles to 12 significant digits", () => {
    const stored = [
      { window_start: t, topic: "*", score: 0.1 + 0.2, n: 3 },
      { window_start: t, topic: "#acme", score: 0.5, n: 1 },
    ];
    const fresh = [
      { window_start: new Date(t), topic: "#acme", score: 0.5, n: 1 },
      { window_start: t, topic: "*", score: 0.3, n: 3 },
    ];
    expect(compareRows(stored, fresh, ["window_start", "topic", "score", "n"])).toEqual({
      equal: true,
      stored: 2,
      fresh: 2,
      onlyStored: [],
      onlyFresh: [],
    });
  });

  it("reports a changed value as one row on each side, and a lost duplicate", () => {
    const cols = ["topic", "n"];
    const r = compareRows(
      [
        { topic: "*", n: 3 },
        { topic: "*", n: 3 },
        { topic: "#acme", n: 1 },
      ],
      [
        { topic: "*", n: 3 },
        { topic: "#acme", n: 2 },
      ],
      cols,
    );
    expect(r.equal).toBe(false);
    expect(r.onlyStored).toEqual(['[["topic","*"],["n",3]]', '[["topic","#acme"],["n",1]]']);
    expect(r.onlyFresh).toEqual(['[["topic","#acme"],["n",2]]']);
  });

  it("compares only the columns given (a column the working tree adds is not a difference)", () => {
    expect(compareRows([{ n: 1 }], [{ n: 1, added: 7 }], ["n"]).equal).toBe(true);
  });
});
