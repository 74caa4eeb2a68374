import { describe, expect, it } from "vitest";
import { type Column, EVENT_V1, INTEGER_BOUNDS, MAX_TOPIC_LENGTH, validateEvent } from "./index.ts";

/** A valid record derived from the declaration: null where allowed, else the smallest valid value. */
const event = Object.fromEntries(
  Object.entries(EVENT_V1).map(([name, c]: [string, Column]) => {
    if (c.nullable) return [name, null];
    const value = {
      string: "x",
      timestamp: "2026-11-26T04:15:03.000Z",
      string_array: [],
      int: Math.max(c.min ?? 0, 0),
      long: Math.max(c.min ?? 0, 0),
      double: Math.max(c.min ?? 0, 0),
    }[c.type];
    return [name, value];
  }),
);
const reason = (over: Record<string, unknown>) => {
  const r = validateEvent({ ...event, ...over });
  return r.ok ? "ok" : r.reason;
};

describe("validateEvent: bounds from the declaration", () => {
  it("refuses counts beyond the contract's integer range, however integral JavaScript finds them", () => {
    expect(reason({ like_count: 1e308 })).toBe("like_count is above 9007199254740991");
    expect(reason({ author_followers: 2 ** 53 })).toBe("author_followers is above 9007199254740991");
    expect(reason({ ref_like_count: 2 ** 60 })).toBe("ref_like_count is above 9007199254740991");
    expect(reason({})).toBe("ok");
    expect(reason({ like_count: Number.MAX_SAFE_INTEGER })).toBe("ok");
  });

  it("gives every integer column both bounds, within Spark's type", () => {
    for (const [name, c] of Object.entries(EVENT_V1)) {
      if (c.type !== "int" && c.type !== "long") continue;
      const b = INTEGER_BOUNDS[c.type];
      expect([name, c.min! >= b.min, c.max! <= b.max]).toEqual([name, true, true]);
    }
    expect(INTEGER_BOUNDS.long.max).toBeLessThan(2 ** 63);
  });

  it("refuses a rule tag longer than a topic may be, counting characters, not UTF-16 units", () => {
    expect(reason({ rules: ["x".repeat(MAX_TOPIC_LENGTH + 1)] })).toBe(
      `rules has an element longer than ${MAX_TOPIC_LENGTH} characters`,
    );
    expect(reason({ rules: ["acme", "x".repeat(MAX_TOPIC_LENGTH)] })).toBe("ok");
    expect(reason({ rules: ["🚀".repeat(MAX_TOPIC_LENGTH)] })).toBe("ok");
  });
});
