import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PYSPARK_4_VERSION, PYSPARK_VERSION } from "../../runtime/spark/index.ts";
import { sparkInstall, sparkInstall4 } from "../support/services.ts";
import {
  fixtureRoot,
  inputsFor,
  type ResultsDb,
  r9,
  resultsDb,
  runWindowStep,
  SPARK_TIMEOUT,
  type StepRun,
  why,
  windowOf,
} from "./support.ts";

/*
 * The generated window step over test/fixtures/sparkgen/more (records in generate.ts), checked
 * against results worked out by hand from docs/contracts.md "More metrics". One spark-submit.
 *
 * Window W = [2026-11-28T10:00Z, 10:15Z); input 10/ only. 9 lines: 2001 twice (one event),
 * 2007 at 10:15:00.000 (the end, outside) → 7 events:
 *
 *   id   author  time          topics      lang  ref        hashtags              mentions            urls → hosts
 *   2001 alice   10:00:10      acme        en    -          acme,launch,acme      bob                 www.Acme.com, acme.com → {acme.com}
 *   2002 bob     10:00:50      acme,zeta   en    -          launch                alice,bob,alice     news.example.org
 *   2003 carol   10:01:00      acme        en    retweet    acme,launch           alice               www.acme.com  (retweet: not counted)
 *   2004 alice   10:03:30      zeta        null  -          zeta                  (empty)             WWW.Zeta.io:8080, "not a url" → {zeta.io}
 *   2005 dora    10:03:59.999  (none)      es    -          launch,zeta           bob                 user@shop.acme.com, acme.com
 *   2006 alice   10:14:59.999  acme        null  quote      acme                  (absent)            (absent)
 *   2008 ed      10:07:00      (none)      fr    reply      (absent)              (absent)            (absent)
 *
 * Emoji in the texts: 2001 🔥🔥 ❤️ (❤ and U+FE0F), 2002 🔥, 2003 the same as 2001 (a retweet),
 * 2004 👍🏽 (👍 and a skin tone), 2005 ❤, 2006 😡, 2007 🔥, 2008 © 😡.
 *
 * Scores: 2001 0.5, 2002 -0.5, 2003 0.5, 2005 0.25, 2008 0; 2004 and 2006 unscored.
 * Records per topic: * = all 7; acme = 2001, 2002, 2003, 2006 (4); zeta = 2002, 2004 (2).
 * Originals (ref_type not retweeted): * = 2001, 2002, 2004, 2005, 2006, 2008; acme = 2001, 2002,
 * 2006; zeta = 2002, 2004.
 */
const W = windowOf("2026-11-28T10:00:00.000Z");
const MORE = fixtureRoot("more");

/*
 * hashtag_window (originals; a tag repeated in one record counts once: 2001's acme is 1, not 2):
 *   *:    launch 2001 alice, 2002 bob, 2005 dora → 3 / 3 authors; acme 2001, 2006 (both alice)
 *         → 2 / 1; zeta 2004 alice, 2005 dora → 2 / 2. acme and zeta tie at 2: acme first.
 *         (2003's retweet would make launch 4 and acme 3.)
 *   acme: acme 2001, 2006 → 2 / 1; launch 2001, 2002 → 2 / 2; tie: acme, launch.
 *   zeta: launch 2002 → 1 / 1; zeta 2004 → 1 / 1; tie: launch, zeta.
 */
const EXPECTED_HASHTAGS = [
  { topic: "*", tag: "launch", count: 3, authors: 3, rank: 1 },
  { topic: "*", tag: "acme", count: 2, authors: 1, rank: 2 },
  { topic: "*", tag: "zeta", count: 2, authors: 2, rank: 3 },
  { topic: "acme", tag: "acme", count: 2, authors: 1, rank: 1 },
  { topic: "acme", tag: "launch", count: 2, authors: 2, rank: 2 },
  { topic: "zeta", tag: "launch", count: 1, authors: 1, rank: 1 },
  { topic: "zeta", tag: "zeta", count: 1, authors: 1, rank: 2 },
];

/*
 * mention_window (originals; 2002 mentions alice twice → once; 2004's empty list and the absent
 * lists add nothing):
 *   *:    bob 2001, 2002, 2005 → 3 / 3; alice 2002 → 1 / 1.
 *   acme: bob 2001, 2002 → 2 / 2; alice 2002 → 1 / 1.
 *   zeta: alice 2002 → 1 / 1; bob 2002 → 1 / 1; tie: alice, bob.
 */
const EXPECTED_MENTIONS = [
  { topic: "*", username: "bob", count: 3, authors: 3, rank: 1 },
  { topic: "*", username: "alice", count: 1, authors: 1, rank: 2 },
  { topic: "acme", username: "bob", count: 2, authors: 2, rank: 1 },
  { topic: "acme", username: "alice", count: 1, authors: 1, rank: 2 },
  { topic: "zeta", username: "alice", count: 1, authors: 1, rank: 1 },
  { topic: "zeta", username: "bob", count: 1, authors: 1, rank: 2 },
];

/*
 * domain_window (originals; host lower-case, www. stripped, port and user info dropped, "not a
 * url" has no host; 2001's two acme.com links count once):
 *   *:    acme.com 2001 alice, 2005 dora → 2 / 2; news.example.org 2002, shop.acme.com 2005,
 *         zeta.io 2004 → 1 / 1 each, by name. (2003's retweet would make acme.com 3.)
 *   acme: acme.com 2001; news.example.org 2002 → 1 / 1 each.
 *   zeta: news.example.org 2002; zeta.io 2004 → 1 / 1 each.
 */
const EXPECTED_DOMAINS = [
  { topic: "*", domain: "acme.com", count: 2, authors: 2, rank: 1 },
  { topic: "*", domain: "news.example.org", count: 1, authors: 1, rank: 2 },
  { topic: "*", domain: "shop.acme.com", count: 1, authors: 1, rank: 3 },
  { topic: "*", domain: "zeta.io", count: 1, authors: 1, rank: 4 },
  { topic: "acme", domain: "acme.com", count: 1, authors: 1, rank: 1 },
  { topic: "acme", domain: "news.example.org", count: 1, authors: 1, rank: 2 },
  { topic: "zeta", domain: "news.example.org", count: 1, authors: 1, rank: 1 },
  { topic: "zeta", domain: "zeta.io", count: 1, authors: 1, rank: 2 },
];

/*
 * emoji_window (originals; one code point of the emoji blocks: 2001's 🔥 twice counts once, ❤️'s
 * variation selector and 👍🏽's skin tone are not emoji of their own, © is not in the blocks):
 *   *:    ❤ 2001 alice, 2005 dora; 🔥 2001 alice, 2002 bob; 😡 2006 alice, 2008 ed → 2 / 2 each;
 *         👍 2004 alice → 1 / 1. The tie at 2 goes by code point: ❤ U+2764, 🔥 U+1F525, 😡 U+1F621.
 *   acme: 🔥 2001 alice, 2002 bob → 2 / 2; ❤ 2001 → 1 / 1; 😡 2006 → 1 / 1 (❤ before 😡).
 *   zeta: 👍 2004 (U+1F44D), 🔥 2002 (U+1F525) → 1 / 1 each.
 */
const EXPECTED_EMOJI = [
  { topic: "*", emoji: "❤", count: 2, authors: 2, rank: 1 },
  { topic: "*", emoji: "🔥", count: 2, authors: 2, rank: 2 },
  { topic: "*", emoji: "😡", count: 2, authors: 2, rank: 3 },
  { topic: "*", emoji: "👍", count: 1, authors: 1, rank: 4 },
  { topic: "acme", emoji: "🔥", count: 2, authors: 2, rank: 1 },
  { topic: "acme", emoji: "❤", count: 1, authors: 1, rank: 2 },
  { topic: "acme", emoji: "😡", count: 1, authors: 1, rank: 3 },
  { topic: "zeta", emoji: "👍", count: 1, authors: 1, rank: 1 },
  { topic: "zeta", emoji: "🔥", count: 1, authors: 1, rank: 2 },
];

/*
 * language_window (every record, retweets included; null lang → und):
 *   * (7):    en 2001, 2002, 2003 → 3/7; und 2004, 2006 → 2/7; es 2005 → 1/7; fr 2008 → 1/7.
 *   acme (4): en 2001, 2002, 2003 → 3/4; und 2006 → 1/4.
 *   zeta (2): en 2002 → 1/2; und 2004 → 1/2.
 */
const EXPECTED_LANGUAGES = [
  { topic: "*", lang: "en", n_tweets: 3, share: r9(3 / 7) },
  { topic: "*", lang: "es", n_tweets: 1, share: r9(1 / 7) },
  { topic: "*", lang: "fr", n_tweets: 1, share: r9(1 / 7) },
  { topic: "*", lang: "und", n_tweets: 2, share: r9(2 / 7) },
  { topic: "acme", lang: "en", n_tweets: 3, share: 0.75 },
  { topic: "acme", lang: "und", n_tweets: 1, share: 0.25 },
  { topic: "zeta", lang: "en", n_tweets: 1, share: 0.5 },
  { topic: "zeta", lang: "und", n_tweets: 1, share: 0.5 },
];

/*
 * share_of_voice_window (every record; no row for *): n(*) = 7; tracked total = n(acme) + n(zeta)
 * = 4 + 2 = 6 (2002 counts in both).
 *   acme: 4, 4/7 = 0.571428571, 4/6 = 0.666666667;  zeta: 2, 2/7 = 0.285714286, 2/6 = 0.333333333.
 */
const EXPECTED_SHARE_OF_VOICE = [
  { topic: "acme", n_tweets: 4, share_of_all: r9(4 / 7), share_of_tracked: r9(4 / 6) },
  { topic: "zeta", n_tweets: 2, share_of_all: r9(2 / 7), share_of_tracked: r9(2 / 6) },
];

/*
 * volume_minute (every record, by the minute of created_at; minutes without records have no row):
 *   *:    10:00 2001, 2002 → 2, scored 2, avg (0.5 - 0.5)/2 = 0; 10:01 2003 → 1, 1, 0.5;
 *         10:03 2004, 2005 (10:03:59.999) → 2, 1, 0.25; 10:07 2008 → 1, 1, 0;
 *         10:14 2006 (10:14:59.999) → 1, 0, null. No row for 10:02, 10:04–10:06, 10:08–10:13.
 *   acme: 10:00 → 2, 2, 0; 10:01 → 1, 1, 0.5; 10:14 → 1, 0, null.
 *   zeta: 10:00 2002 → 1, 1, -0.5; 10:03 2004 → 1, 0, null.
 */
const at = (hhmm: string) => `2026-11-28T${hhmm}:00.000Z`;
const EXPECTED_VOLUME = [
  { topic: "*", minute: at("10:00"), n_tweets: 2, n_scored: 2, avg_score: 0 },
  { topic: "*", minute: at("10:01"), n_tweets: 1, n_scored: 1, avg_score: 0.5 },
  { topic: "*", minute: at("10:03"), n_tweets: 2, n_scored: 1, avg_score: 0.25 },
  { topic: "*", minute: at("10:07"), n_tweets: 1, n_scored: 1, avg_score: 0 },
  { topic: "*", minute: at("10:14"), n_tweets: 1, n_scored: 0, avg_score: null },
  { topic: "acme", minute: at("10:00"), n_tweets: 2, n_scored: 2, avg_score: 0 },
  { topic: "acme", minute: at("10:01"), n_tweets: 1, n_scored: 1, avg_score: 0.5 },
  { topic: "acme", minute: at("10:14"), n_tweets: 1, n_scored: 0, avg_score: null },
  { topic: "zeta", minute: at("10:00"), n_tweets: 1, n_scored: 1, avg_score: -0.5 },
  { topic: "zeta", minute: at("10:03"), n_tweets: 1, n_scored: 0, avg_score: null },
];

// The same window on both Sparks the generated SQL targets (EMR 7: 3.5, emr-spark-8.0.0: 4.0).
describe.each([
  [PYSPARK_VERSION, sparkInstall],
  [PYSPARK_4_VERSION, sparkInstall4],
])("sparkgen window step on PySpark %s: the More metrics, by hand", (_version, install) => {
  let r: ResultsDb;
  let run: StepRun;

  beforeAll(async () => {
    r = await resultsDb("sg_more");
    run = await runWindowStep(r, W, inputsFor(MORE, W), undefined, install());
  }, SPARK_TIMEOUT);
  afterAll(async () => {
    await r?.db.destroy();
  });

  const rows = async (
    table: "hashtag_window" | "mention_window" | "domain_window" | "emoji_window",
    label: string,
  ) => {
    const found = await r.db
      .selectFrom(table)
      .selectAll()
      .where("window_start", "=", W.start)
      .orderBy("topic")
      .orderBy("rank")
      .execute();
    return found.map((x) => {
      expect(x.window_end).toEqual(W.end);
      return {
        topic: x.topic,
        [label]: (x as unknown as Record<string, string>)[label],
        count: Number(x.count),
        authors: Number(x.authors),
        rank: x.rank,
      };
    });
  };

  it("succeeds and reads 9 lines: 7 events, 1 duplicate", () => {
    expect(run.code, why(run)).toBe(0);
    expect(run.result).toEqual({ rows_read: 9, bad_records: 0, duplicates: 1, events: 7 });
  });

  it("hashtag_window: records and authors per tag, retweets out, top N by count then tag", async () => {
    expect(await rows("hashtag_window", "tag")).toEqual(EXPECTED_HASHTAGS);
  });

  it("mention_window: the same over mentions", async () => {
    expect(await rows("mention_window", "username")).toEqual(EXPECTED_MENTIONS);
  });

  it("domain_window: the same over the hosts of the links", async () => {
    expect(await rows("domain_window", "domain")).toEqual(EXPECTED_DOMAINS);
  });

  it("emoji_window: each distinct emoji of the text, a spec of one file (matchesOf)", async () => {
    expect(await rows("emoji_window", "emoji")).toEqual(EXPECTED_EMOJI);
  });

  it("language_window: every record, null lang as und, share of the topic", async () => {
    const found = await r.db
      .selectFrom("language_window")
      .selectAll()
      .where("window_start", "=", W.start)
      .orderBy("topic")
      .orderBy("lang")
      .execute();
    expect(
      found.map((x) => ({ topic: x.topic, lang: x.lang, n_tweets: Number(x.n_tweets), share: r9(x.share) })),
    ).toEqual(EXPECTED_LANGUAGES);
  });

  it("share_of_voice_window: tracked topics only, against * and against every tracked topic", async () => {
    const found = await r.db
      .selectFrom("share_of_voice_window")
      .selectAll()
      .where("window_start", "=", W.start)
      .orderBy("topic")
      .execute();
    expect(
      found.map((x) => ({
        topic: x.topic,
        n_tweets: Number(x.n_tweets),
        share_of_all: r9(x.share_of_all),
        share_of_tracked: r9(x.share_of_tracked),
      })),
    ).toEqual(EXPECTED_SHARE_OF_VOICE);
  });

  it("volume_minute: one row per minute with records, the minute as timestamptz", async () => {
    const found = await r.db
      .selectFrom("volume_minute")
      .selectAll()
      .where("window_start", "=", W.start)
      .orderBy("topic")
      .orderBy("minute")
      .execute();
    expect(
      found.map((x) => ({
        topic: x.topic,
        minute: x.minute.toISOString(),
        n_tweets: Number(x.n_tweets),
        n_scored: Number(x.n_scored),
        avg_score: r9(x.avg_score),
      })),
    ).toEqual(EXPECTED_VOLUME);
  });
});
