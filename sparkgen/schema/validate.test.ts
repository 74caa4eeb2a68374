import { describe, expect, it } from "vitest";
import { EVENT_V1, INTEGER_BOUNDS, MAX_TOPIC_LENGTH, validateEvent } from "./index.ts";

const event = {
  v: 1,
  id: "1",
  created_at: "2026-11-26T04:15:03.000Z",
  ingested_at: "2026-11-26T04:15:04.000Z",
  author_id: "u1",
  author_username: "alice",
  author_followers: 10,
  text: "hello",
  lang: "en",
  retweet_count: 0,
  like_count: 0,
  reply_count: 0,
  quote_count: 0,
  ref_type: null,
  ref_id: null,
  ref_author_id: null,
  ref_author_username: null,
  ref_author_followers: null,
  ref_retweet_count: null,
  ref_like_count: null,
  rules: ["acme"],
  sentiment_score: null,
  sentiment_magnitude: null,
  sentiment_source: null,
};
const reason = (over: Record<string, unknown>) => {
  const r = validateEvent({ ...event, ...over });
  return r.ok ? "ok" : r.reason;
};

describe("validateEvent: bounds from the declaration", () => {
  it("refuses counts beyond the contract's integer range, however integral JavaScript finds them", () => {
    expect(reason({ like_count: 1e308 })).toBe("like_count is above 9007199254740991");
    expect(reason({ author_followers: 2 ** 53 })).toBe("author_followers is above 9007199254740991");
    expect(reason({ ref_like_count: 2 ** 60 })).toBe("ref_like_count is above 9007199254740991");
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
