import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EVENT_COLUMNS, validateEvent } from "../../sparkgen/schema/index.ts";
import { SynthStream } from "../sources/synth/index.ts";
import type { NormalisedRecord, Sentiment } from "../types.ts";
import { EventEncodingError, eventLine, normalise } from "./index.ts";

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

describe("eventLine, the one encoder", () => {
  const base = normalise(
    [
      ...new SynthStream({ tweets: 1, seed: 5, start: new Date("2026-11-26T04:00:00Z"), minutes: 1 }).lines(),
    ][0]!,
    "2026-11-26T04:20:00.000Z",
  );
  if (!base.ok) throw new Error(base.reason);
  const r = base.record;

  it("makes every string storable: U+0000 and lone surrogates become U+FFFD, bidi stays", () => {
    const line = eventLine(
      {
        ...r,
        id: "i\u0000d",
        author_username: "bo\u0000b",
        text: "hi \u0000 \uD800 \u202e",
        lang: "e\u0000n",
        rules: ["ac\u0000me"],
        hashtags: ["t\u0000ag"],
        mentions: ["m\u0000"],
        urls: ["https://x\u0000.io"],
      },
      { score: 0.5, magnitude: 1 },
      "vader\u0000",
    );
    expect(line).not.toContain("\\u0000");
    expect(line).not.toMatch(/\\ud800/i);
    const o = JSON.parse(line);
    expect(validateEvent(o).ok).toBe(true);
    expect([o.id, o.author_username, o.text, o.lang]).toEqual([
      "i\uFFFDd",
      "bo\uFFFDb",
      "hi \uFFFD \uFFFD \u202e",
      "e\uFFFDn",
    ]);
    expect([o.rules, o.hashtags, o.mentions, o.urls, o.sentiment_source]).toEqual([
      ["ac\uFFFDme"],
      ["t\uFFFDag"],
      ["m\uFFFD"],
      ["https://x\uFFFD.io"],
      "vader\uFFFD",
    ]);
  });

  it("refuses a field that breaks the contract instead of writing it: no forged line, no 1e+21", () => {
    const forged = '1,"x":{}}\n{"v":1,"id":"FORGED"';
    const cases: [Partial<Record<string, unknown>>, string][] = [
      [{ author_followers: forged }, "author_followers"],
      [{ author_followers: 1e21 }, "author_followers"],
      [{ ref_author_followers: "12" }, "ref_author_followers"],
      [{ like_count: -1 }, "like_count"],
      [{ created_at: '2026-11-26T04:00:00.000Z","id":"FORGED' }, "created_at"],
      [{ ref_type: "retweet" }, "ref_type"],
      [{ author_username: 42 }, "author_username"],
      [{ rules: ["x".repeat(65)] }, "rules"],
      [{ id: undefined }, "id"],
    ];
    for (const [patch, field] of cases) {
      const bad = { ...r, ...patch } as unknown as NormalisedRecord;
      expect(() => eventLine(bad, null, null), field).toThrow(EventEncodingError);
      try {
        eventLine(bad, null, null);
      } catch (e) {
        expect((e as EventEncodingError).field).toBe(field);
      }
    }
    expect(() => eventLine(r, { score: Number.NaN, magnitude: 0 }, "vader")).toThrow(/sentiment_score/);
    expect(() => eventLine(r, { score: 0, magnitude: Number.POSITIVE_INFINITY }, "vader")).toThrow(
      /sentiment_magnitude/,
    );
  });
});

describe("eventLine against validateEvent, the reference", () => {
  /** A value of any column type, right or wrong for the column it lands in. */
  const anyValue = fc.oneof(
    fc.string({ unit: "binary", maxLength: 8 }),
    fc.constantFrom("2026-11-26T04:00:00.000Z", "2026-11-26T04:00:00Z", "retweeted", "x".repeat(65)),
    fc.integer(),
    fc.double(),
    fc.constantFrom(1e21, -1, 0, 1, 2 ** 53, null, undefined),
    fc.array(fc.string({ unit: "binary", maxLength: 70 }), { maxLength: 3 }),
    fc.anything({ maxDepth: 1 }),
  );
  const valid = (c: string) => {
    const r: Record<string, unknown> = { ...base.record };
    return r[c];
  };
  const base = normalise(
    [
      ...new SynthStream({ tweets: 1, seed: 9, start: new Date("2026-11-26T04:00:00Z"), minutes: 1 }).lines(),
    ][0]!,
    "2026-11-26T04:20:00.000Z",
  ) as { ok: true; record: NormalisedRecord };

  it("writes exactly the records the contract admits, and each line parses to one valid record", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...EVENT_COLUMNS), anyValue, { maxKeys: 4 }),
        fc.boolean(),
        (patch, scored) => {
          const full: Record<string, unknown> = {
            ...Object.fromEntries(EVENT_COLUMNS.map((c) => [c, valid(c) ?? null])),
            sentiment_score: scored ? 0.5 : null,
            sentiment_magnitude: scored ? 1 : null,
            sentiment_source: scored ? "vader" : null,
            ...patch,
          };
          const s =
            full.sentiment_score === null &&
            full.sentiment_magnitude === null &&
            full.sentiment_source === null
              ? null
              : ({ score: full.sentiment_score, magnitude: full.sentiment_magnitude } as Sentiment);
          // eventLine writes one `sentiment_source` for both: compare what it can express.
          if (s === null) {
            full.sentiment_score = null;
            full.sentiment_magnitude = null;
          }
          const source = s === null ? null : (full.sentiment_source as string | null);
          if (s === null) full.sentiment_source = null;
          const reference = validateEvent(full).ok;
          let line: string | undefined;
          try {
            line = eventLine(full as unknown as NormalisedRecord, s, source);
          } catch (e) {
            if (!(e instanceof EventEncodingError)) throw e;
          }
          expect(line !== undefined).toBe(reference);
          if (line !== undefined) {
            expect(line.indexOf("\n")).toBe(line.length - 1);
            expect(validateEvent(JSON.parse(line)).ok).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
