import { describe, expect, it } from "vitest";
import { MAX_TOPIC_LENGTH, validateEvent } from "../../sparkgen/schema/index.ts";
import { createNormaliser, normalise } from "./index.ts";

const AT = "2026-11-26T04:15:04.123Z";

function message(
  over: { data?: Record<string, unknown>; includes?: unknown; matching_rules?: unknown } = {},
) {
  return {
    data: {
      id: "1001",
      text: "Loving the new phone &amp; its camera",
      author_id: "u1",
      created_at: "2026-11-26T04:15:03.000Z",
      lang: "en",
      public_metrics: { retweet_count: 3, like_count: 10, reply_count: 1, quote_count: 0 },
      referenced_tweets: [{ type: "quoted", id: "900" }],
      ...over.data,
    },
    includes: over.includes ?? {
      users: [
        { id: "u1", username: "alice", public_metrics: { followers_count: 120 } },
        { id: "u2", username: "bob", public_metrics: { followers_count: 50_000 } },
      ],
      tweets: [{ id: "900", author_id: "u2", public_metrics: { retweet_count: 70, like_count: 300 } }],
    },
    matching_rules: over.matching_rules ?? [
      { id: "r1", tag: "phone" },
      { id: "r2", tag: "camera" },
      { id: "r3", tag: "phone" },
      { id: "r4" },
    ],
  };
}

const run = (m: unknown) => normalise(typeof m === "string" ? m : JSON.stringify(m), AT);

describe("normalise", () => {
  it("takes hashtags, mentions and URLs from entities, lower-casing tags and usernames", () => {
    const entities = {
      hashtags: [{ start: 0, end: 5, tag: "Acme" }, { tag: "acme" }, { tag: "" }],
      mentions: [{ username: "Bob_Smith", id: "9" }],
      urls: [{ url: "https://t.co/x", expanded_url: "https://Example.com/A?b=1" }],
      cashtags: [{ tag: "ACME" }],
    };
    const r = run(message({ data: { entities } }));
    expect(r.ok && r.record.hashtags).toEqual(["acme", "acme"]);
    expect(r.ok && r.record.mentions).toEqual(["bob_smith"]);
    expect(r.ok && r.record.urls).toEqual(["https://Example.com/A?b=1"]);
    // A long post's entities index its full text.
    const note = { text: "long #Post", entities: { hashtags: [{ tag: "Post" }] } };
    const long = run(message({ data: { entities, note_tweet: note } }));
    expect(long.ok && long.record.hashtags).toEqual(["post"]);
    expect(long.ok && long.record.mentions).toBeUndefined();
    // No entities: the lists are absent, not empty.
    const none = run(message({ data: { entities: { hashtags: [] } } }));
    expect(none.ok && Object.keys(none.record)).not.toContain("hashtags");
  });

  it("maps a quote with its includes to a v1 record", () => {
    const r = run(message());
    expect(r).toEqual({
      ok: true,
      record: {
        v: 1,
        id: "1001",
        created_at: "2026-11-26T04:15:03.000Z",
        ingested_at: AT,
        author_id: "u1",
        author_username: "alice",
        author_followers: 120,
        text: "Loving the new phone & its camera",
        lang: "en",
        retweet_count: 3,
        like_count: 10,
        reply_count: 1,
        quote_count: 0,
        ref_type: "quoted",
        ref_id: "900",
        ref_author_id: "u2",
        ref_author_username: "bob",
        ref_author_followers: 50_000,
        ref_retweet_count: 70,
        ref_like_count: 300,
        rules: ["phone", "camera"],
      },
    });
    if (!r.ok) throw new Error(r.reason);
    const full = { ...r.record, sentiment_score: null, sentiment_magnitude: null, sentiment_source: null };
    expect(validateEvent(full)).toEqual({ ok: true, value: full });
  });

  it("refuses counts beyond the contract's integer range and tags longer than a topic", () => {
    const why = (m: unknown) => {
      const r = run(m);
      return r.ok ? "ok" : r.reason;
    };
    const pm = { retweet_count: 0, like_count: 1e308, reply_count: 0, quote_count: 0 };
    expect(why(message({ data: { public_metrics: pm } }))).toBe("tweet 1001: invalid public_metrics");
    expect(
      why(
        message({
          includes: { users: [{ id: "u1", username: "a", public_metrics: { followers_count: 2 ** 53 } }] },
        }),
      ),
    ).toBe("tweet 1001: author has no followers_count");
    const long = "t".repeat(MAX_TOPIC_LENGTH + 1);
    expect(
      why(
        message({
          matching_rules: [
            { id: "r1", tag: "ok" },
            { id: "r2", tag: long },
          ],
        }),
      ),
    ).toBe(`rule tag longer than ${MAX_TOPIC_LENGTH} characters`);
    expect(why(message({ matching_rules: [{ id: "r1", tag: "🚀".repeat(MAX_TOPIC_LENGTH) }] }))).toBe("ok");
  });

  it("keeps a reference whose tweet is missing from includes, with null ref details", () => {
    const r = run(message({ data: { referenced_tweets: [{ type: "replied_to", id: "777" }] } }));
    expect(r.ok && r.record).toMatchObject({
      ref_type: "replied_to",
      ref_id: "777",
      ref_author_id: null,
      ref_author_username: null,
      ref_author_followers: null,
      ref_retweet_count: null,
      ref_like_count: null,
    });
  });

  it("gives null ref fields and empty rules for a plain tweet without matching_rules", () => {
    const m = message({ data: { referenced_tweets: undefined, lang: undefined }, matching_rules: "none" });
    const r = run(m);
    expect(r.ok && [r.record.ref_type, r.record.ref_id, r.record.lang, r.record.rules]).toEqual([
      null,
      null,
      null,
      [],
    ]);
  });

  it("normalises created_at to millisecond UTC", () => {
    const r = run(message({ data: { created_at: "2026-11-26T05:15:03+01:00" } }));
    expect(r.ok && r.record.created_at).toBe("2026-11-26T04:15:03.000Z");
  });

  it("prefers the full text of a long post", () => {
    const r = run(message({ data: { note_tweet: { text: "the whole long post" } } }));
    expect(r.ok && r.record.text).toBe("the whole long post");
  });

  it("replaces lone surrogates with U+FFFD and keeps pairs", () => {
    const raw = JSON.stringify(message({ data: { text: "cut \ud83d here, whole 😀" } }));
    expect(raw).toContain("\\ud83d");
    const r = run(raw);
    expect(r.ok && r.record.text).toBe("cut \uFFFD here, whole 😀");
  });

  it.each([
    ["{not json", "bad JSON"],
    ["[1,2]", "not a JSON object"],
    ['{"errors":[{"title":"operational-disconnect"}]}', "stream error message"],
    ['{"includes":{}}', "missing data"],
    [JSON.stringify(message({ data: { id: 5 } })), "missing data.id"],
    [JSON.stringify(message({ data: { author_id: undefined } })), "tweet 1001: missing author_id"],
    [
      JSON.stringify(message({ data: { created_at: "yesterday" } })),
      "tweet 1001: missing or invalid created_at",
    ],
    [JSON.stringify(message({ data: { text: null } })), "tweet 1001: missing text"],
    [JSON.stringify(message({ data: { public_metrics: undefined } })), "tweet 1001: missing public_metrics"],
    [
      JSON.stringify(
        message({
          data: { public_metrics: { retweet_count: -1, like_count: 0, reply_count: 0, quote_count: 0 } },
        }),
      ),
      "tweet 1001: invalid public_metrics",
    ],
    [JSON.stringify(message({ includes: { users: [] } })), "tweet 1001: author not in includes.users"],
    [
      JSON.stringify(message({ data: { referenced_tweets: [{ type: "liked", id: "1" }] } })),
      "tweet 1001: unknown referenced tweet type liked",
    ],
  ])("rejects %s", (raw, reason) => {
    expect(run(raw)).toEqual({ ok: false, reason });
  });

  it("rejects huge text by code points, not UTF-16 units", () => {
    const emoji = "😀".repeat(10);
    expect(normalise(JSON.stringify(message({ data: { text: emoji } })), AT, { maxTextChars: 10 }).ok).toBe(
      true,
    );
    expect(
      normalise(JSON.stringify(message({ data: { text: `${emoji}x` } })), AT, { maxTextChars: 10 }),
    ).toEqual({
      ok: false,
      reason: "tweet 1001: huge text (over 10 characters)",
    });
    expect(run(message({ data: { text: "a".repeat(25_001) } }))).toEqual({
      ok: false,
      reason: "tweet 1001: huge text (over 25000 characters)",
    });
  });

  it("stamps ingested_at from the injected clock", () => {
    let t = Date.parse("2026-11-26T04:20:00.000Z");
    const n = createNormaliser({ now: () => t });
    const raw = JSON.stringify(message());
    const a = n(raw);
    t += 1500;
    const b = n(raw);
    expect([a.ok && a.record.ingested_at, b.ok && b.record.ingested_at]).toEqual([
      "2026-11-26T04:20:00.000Z",
      "2026-11-26T04:20:01.500Z",
    ]);
  });
});
