import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateEvent } from "../../../sparkgen/schema/index.ts";
import { EventEncodingError, eventLine, MAX_ENTITIES } from "../../normalise/index.ts";
import type { NormalisedRecord, NormaliseResult } from "../../types.ts";
import { ProfileCache } from "./handles.ts";
import { BlueskyMapper } from "./mapper.ts";
import { compileRule } from "./rules.ts";

const T0 = Date.parse("2026-11-26T04:00:00.000Z") * 1000;
const ALICE = "did:plc:alice0000000000000000000";
const RULES = [compileRule("acme", "acme")];
const FACET = "app.bsky.richtext.facet#";

const postFrame = (s: number, rkey: string, record: Record<string, unknown>, did = ALICE) =>
  JSON.stringify({
    did,
    time_us: T0 + s * 1_000_000,
    kind: "commit",
    commit: { rev: "r", operation: "create", collection: "app.bsky.feed.post", rkey, record },
  });
const likeFrame = (s: number, rkey: string, subject: string) =>
  JSON.stringify({
    did: "did:plc:liker000000000000000000000",
    time_us: T0 + s * 1_000_000,
    kind: "commit",
    commit: {
      rev: "r",
      operation: "create",
      collection: "app.bsky.feed.like",
      rkey,
      record: { subject: { uri: subject } },
    },
  });

const mapper = (handles = new ProfileCache({ offline: true })) =>
  new BlueskyMapper({ rules: RULES, handles, now: () => Date.parse("2026-11-26T04:05:00Z") });
const results = (r: NormaliseResult | NormaliseResult[]): NormaliseResult[] => (Array.isArray(r) ? r : [r]);
const records = (r: NormaliseResult | NormaliseResult[]): NormalisedRecord[] =>
  results(r).flatMap((x) => (x.ok ? [x.record] : []));
const bytes = (text: string, part: string) => {
  const byteStart = Buffer.byteLength(text.slice(0, text.indexOf(part)));
  return { byteStart, byteEnd: byteStart + Buffer.byteLength(part) };
};

describe("BlueskyMapper against hostile frames", () => {
  it("maps NUL in a mention, a tag, a link and a lang to a line PostgreSQL can store", () => {
    const text = "acme hi @bo\u0000b";
    const frame = postFrame(1, "3kp1", {
      text,
      langs: ["e\u0000n", "en"],
      facets: [
        { index: bytes(text, "@bo\u0000b"), features: [{ $type: `${FACET}mention`, did: ALICE }] },
        { index: bytes(text, "hi"), features: [{ $type: `${FACET}tag`, tag: "t\u0000ag" }] },
        { index: bytes(text, "acme"), features: [{ $type: `${FACET}link`, uri: "https://x\u0000.io" }] },
      ],
    });
    const [r] = records(mapper().map(frame));
    const line = eventLine(r!, null, null);
    expect(line).not.toContain("\\u0000");
    const o = JSON.parse(line);
    expect(validateEvent(o).ok).toBe(true);
    // An invalid BCP-47 tag is not a language: the first valid one is.
    expect([o.text, o.mentions, o.hashtags, o.urls, o.lang]).toEqual([
      "acme hi @bo\uFFFDb",
      ["bo\uFFFDb"],
      ["t\uFFFDag"],
      ["https://x\uFFFD.io"],
      "en",
    ]);
  });

  it("refuses a frame whose DID or rkey is not the AT Protocol's syntax", () => {
    expect(mapper().map(postFrame(1, "3kp1", { text: "acme" }, "did:plc:a\u0000b"))).toEqual({
      ok: false,
      reason: "invalid did",
    });
    expect(mapper().map(postFrame(1, "a\nb", { text: "acme" }))).toEqual({
      ok: false,
      reason: "invalid rkey",
    });
  });

  it("rejects a text over the cap and cuts (and counts) facets past the caps, with bounded memory", () => {
    expect(mapper().map(postFrame(1, "3kp1", { text: `acme ${"x".repeat(450_000)}` }))).toEqual({
      ok: false,
      reason: "huge text (over 25000 characters)",
    });
    // 5,000 mention facets over the whole text: before the caps, each decoded the whole text.
    const text = `acme ${"@x ".repeat(6_000)}`;
    const whole = { byteStart: 0, byteEnd: Buffer.byteLength(text) };
    const facets = [
      ...Array.from({ length: 5_000 }, () => ({
        index: whole,
        features: [{ $type: `${FACET}mention`, did: ALICE }],
      })),
      ...Array.from({ length: 5_000 }, (_, i) => ({
        index: { byteStart: 5, byteEnd: 7 },
        features: [{ $type: `${FACET}tag`, tag: `t${i}` }],
      })),
    ];
    const before = process.memoryUsage().heapUsed;
    const [r] = results(mapper().map(postFrame(1, "3kp1", { text, facets })));
    const grown = process.memoryUsage().heapUsed - before;
    if (!r?.ok) throw new Error("expected a record");
    expect(r.record.mentions).toBeUndefined();
    expect(r.record.hashtags).toHaveLength(MAX_ENTITIES);
    expect(r.cut).toBe(5_000 + 5_000 - MAX_ENTITIES);
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });

  it("gives back the like copies it holds, so a stop loses no like", () => {
    const m = mapper();
    const uri = `at://${ALICE}/app.bsky.feed.post/3kp1`;
    expect(records(m.map(postFrame(0, "3kp1", { text: "acme" })))).toHaveLength(1);
    const sent = [1, 2, 3].flatMap((s) => records(m.map(likeFrame(s, `3kl${s}`, uri))));
    const held = m.flush();
    expect(held.map((r) => [r.id, r.like_count])).toEqual([[uri, 3]]);
    expect(sent.every((r) => r.like_count < 3)).toBe(true);
    expect(m.flush()).toEqual([]);
  });
});

/** Any string, NUL, lone surrogates, bidi and line separators included. */
const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\u0000", "\uD800", "\uDC00x", "\u202e", "\u2028", '"}\n{"v":1,"id":"FORGED"', "acme"),
);
const feature = fc.oneof(
  fc.record({ $type: fc.constant(`${FACET}tag`), tag: hostile }),
  fc.record({ $type: fc.constant(`${FACET}link`), uri: hostile }),
  fc.record({ $type: fc.constant(`${FACET}mention`), did: hostile }),
  fc.anything(),
);
const facet = fc.record({
  index: fc.record({
    byteStart: fc.integer({ min: -5, max: 400 }),
    byteEnd: fc.integer({ min: -5, max: 400 }),
  }),
  features: fc.array(feature, { maxLength: 3 }),
});
const post = fc.record({
  text: fc.tuple(hostile, hostile).map(([a, b]) => `acme ${a} ${b}`),
  langs: fc.array(hostile, { maxLength: 3 }),
  facets: fc.array(facet, { maxLength: 6 }),
  createdAt: fc.oneof(
    hostile,
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  ),
});
/** What an AppView might answer for a profile: right, wrong type, out of range, or forged. */
const profile = fc.record({
  handle: fc.oneof(hostile, fc.constantFrom("alice.test", "handle.invalid"), fc.anything()),
  followersCount: fc.oneof(
    fc.nat(),
    fc.constantFrom(1e21, -1, 1.5, Number.NaN, '12\n{"v":1,"id":"FORGED"}', "12", null),
    fc.anything(),
  ),
});

describe("BlueskyMapper, property: every line is one valid v1 record", () => {
  it("for random posts, facets, identities and AppView profiles", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(post, { minLength: 1, maxLength: 8 }),
        profile,
        hostile,
        async (posts, p, handle) => {
          const answer = (url: string) => {
            const did = new URL(url).searchParams.getAll("actors");
            return Response.json({ profiles: did.map((d) => ({ did: d, ...p })) });
          };
          const handles = new ProfileCache({
            fetch: (async (u: string) => answer(u)) as typeof fetch,
            minIntervalMs: 0,
          });
          handles.identity(ALICE, handle);
          const m = mapper(handles);
          const out = posts.flatMap((x, i) => records(m.map(postFrame(i, `3k${i}`, x))));
          await handles.enrich(out, new AbortController().signal);
          for (const r of out) {
            let line: string;
            try {
              line = eventLine(r, { score: 0, magnitude: 0 }, "vader");
            } catch (e) {
              throw e instanceof EventEncodingError
                ? new Error(`the mapper produced ${e.field}: ${e.message}`)
                : e;
            }
            expect(line.indexOf("\n")).toBe(line.length - 1);
            expect(line).not.toContain("\\u0000");
            const o = JSON.parse(line);
            expect(validateEvent(o)).toMatchObject({ ok: true });
            expect(o.id).toMatch(/^at:\/\/did:plc:alice0+\/app\.bsky\.feed\.post\/3k\d$/);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
