import { describe, expect, it } from "vitest";
import { MAX_TOPIC_LENGTH } from "../sparkgen/index.ts";
import { BadParam, parseNoParams, parseRangeQuery, takeChoice } from "./params.ts";

const now = new Date("2026-11-26T12:00:00.000Z");
const parse = (qs: string) =>
  parseRangeQuery(new URLSearchParams(qs), { defaultLimit: 20, maxLimit: 100, now });
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof BadParam) return e.message;
    throw e;
  }
  return "(no error)";
};

describe("parseRangeQuery", () => {
  it("caps topics at the contract's MAX_TOPIC_LENGTH characters, as ingest and `rules add` do", () => {
    expect(parse(`topic=${"x".repeat(MAX_TOPIC_LENGTH)}`).topic).toHaveLength(MAX_TOPIC_LENGTH);
    expect(parse(`topic=${encodeURIComponent("🚀".repeat(MAX_TOPIC_LENGTH))}`).topic).toBe(
      "🚀".repeat(MAX_TOPIC_LENGTH),
    );
    expect(message(() => parse(`topic=${"x".repeat(MAX_TOPIC_LENGTH + 1)}`))).toBe(
      `topic is longer than ${MAX_TOPIC_LENGTH} characters`,
    );
  });

  it("defaults to topic *, the last 24 hours and the endpoint's limit", () => {
    expect(parse("")).toEqual({ topic: "*", from: new Date("2026-11-25T12:00:00.000Z"), to: now, limit: 20 });
  });

  it("takes a topic, ISO times (offsets, dates) and a limit", () => {
    expect(parse("topic=acme&from=2026-11-26T01:00:00%2B01:00&to=2026-11-27&limit=7")).toEqual({
      topic: "acme",
      from: new Date("2026-11-26T00:00:00.000Z"),
      to: new Date("2026-11-27T00:00:00.000Z"),
      limit: 7,
    });
    // `from` alone: `to` is now; `to` alone: `from` is 24 h before it.
    expect(parse("from=2026-11-26T06:00:00Z").to).toEqual(now);
    expect(parse("to=2026-11-20T00:00:00.000Z").from).toEqual(new Date("2026-11-19T00:00:00.000Z"));
    // Unicode and quotes are fine in a topic; it reaches SQL only as a parameter.
    expect(parse(`topic=${encodeURIComponent("it's ✓ 🎉")}`).topic).toBe("it's ✓ 🎉");
  });

  it("rejects what a caller got wrong, naming the parameter", () => {
    expect(message(() => parse("from=2026-11-26T05:00:00Z&to=2026-11-26T05:00:00Z"))).toBe(
      "from must be before to",
    );
    expect(message(() => parse("to=1700000000"))).toBe(
      "to must be an ISO-8601 time such as 2026-11-26T04:15:00Z",
    );
    expect(message(() => parse("from=2026-13-45"))).toBe("from is not a real date: 2026-13-45");
    expect(message(() => parse("from=2026-02-30T00:00:00Z"))).toBe(
      "from is not a real date: 2026-02-30T00:00:00Z",
    );
    expect(message(() => parse("from=2025-11-01T00:00:00Z"))).toBe(
      "the range from..to is longer than 366 days",
    );
    expect(message(() => parse("limit=101"))).toBe("limit must be at most 100");
    expect(message(() => parse("limit=-1"))).toBe("limit must be a whole number");
    expect(message(() => parse("topic="))).toBe("topic must not be empty");
    expect(message(() => parse("topic=a%0Ab"))).toBe("topic must not contain control characters");
    expect(message(() => parse("limit=1&limit=2"))).toBe("parameter limit is given more than once");
    expect(message(() => parse("token=x"))).toBe('unknown parameter "token"; use topic, from, to, limit');
  });
});

describe("parseNoParams", () => {
  it("accepts none and names the first stray one", () => {
    expect(parseNoParams(new URLSearchParams(""))).toBeUndefined();
    expect(message(() => parseNoParams(new URLSearchParams("a=1&b=2")))).toBe(
      'unknown parameter "a"; this endpoint takes none',
    );
  });
});

describe("takeChoice", () => {
  it("takes an endpoint's own parameter out of the query, checked against its values", () => {
    const [by, rest] = takeChoice(new URLSearchParams("by=window&topic=acme"), "by", ["range", "window"]);
    expect([by, rest.toString()]).toEqual(["window", "topic=acme"]);
    expect(takeChoice(new URLSearchParams("topic=acme"), "by", ["range"])[0]).toBeUndefined();
    expect(message(() => takeChoice(new URLSearchParams("by=day"), "by", ["range", "window"]))).toBe(
      "by must be range or window",
    );
    expect(message(() => takeChoice(new URLSearchParams("by=range&by=window"), "by", ["range"]))).toBe(
      "parameter by is given more than once",
    );
  });
});
