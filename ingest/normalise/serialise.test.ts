import { describe, expect, it } from "vitest";
import { EVENT_COLUMNS, validateEvent } from "../../sparkgen/schema/index.ts";
import { SynthStream } from "../sources/synth/index.ts";
import { eventLine, normalise } from "./index.ts";

describe("eventLine", () => {
  const lines = [
    ...new SynthStream({
      tweets: 300,
      seed: 3,
      start: new Date("2026-11-26T04:00:00Z"),
      minutes: 15,
    }).lines(),
  ];
  const records = lines
    .map((l) => normalise(l, "2026-11-26T04:20:00.000Z"))
    .flatMap((r) => (r.ok ? [r.record] : []));

  it("is byte-identical to JSON.stringify of the full record, in EVENT_V1 order", () => {
    expect(records).toHaveLength(300);
    records.forEach((r, i) => {
      const s = i % 3 === 0 ? null : { score: i % 2 ? -0.25 : 0.5423, magnitude: i / 7 };
      const full = {
        ...r,
        sentiment_score: s?.score ?? null,
        sentiment_magnitude: s?.magnitude ?? null,
        sentiment_source: s ? "vader" : null,
      };
      const line = eventLine(r, s, "vader");
      expect(line).toBe(`${JSON.stringify(full)}\n`);
      // Optional columns (the entity lists) appear only when the record has them.
      expect(Object.keys(JSON.parse(line))).toEqual(EVENT_COLUMNS.filter((c) => c in full));
      expect(validateEvent(JSON.parse(line)).ok).toBe(true);
    });
  });

  it("writes the entity lists the synthetic stream fills", () => {
    expect(records.some((r) => r.hashtags && r.mentions === undefined)).toBe(true);
    expect(records.some((r) => r.urls !== undefined)).toBe(true);
  });

  it("escapes quotes, backslashes, control characters and U+2028 in free text", () => {
    const r = { ...records[0]!, text: 'say "hi"\\ \n\t\u2028 \uFFFD', author_username: 'a"b' };
    const line = eventLine(r, { score: 0, magnitude: 0 }, "vader");
    expect(line.endsWith("}\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(line).text).toBe(r.text);
  });
});
