import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileJob } from "../compile/index.ts";
import { loadSpecs } from "../load/index.ts";
import { windowJob } from "../specs/index.ts";
import { jobLineage, lineageLine } from "./lineage.ts";

// Hand-written: what each result column of the shipped metrics is computed from, worked out from
// the specs and docs/contracts.md (value lineage; apart from it, what the rows are filtered or
// joined by: the retweet filter's ref_type, the influencer joins on tweet and author ids, an alert's
// baseline windows and minimum posts; joins on the window and topic key are not listed).
// Kept per metric: a new metric needs no line here (its lineage is in the manifest golden,
// generate.test.ts); a metric listed here must keep exactly these columns.
const EXPECTED = `
sentiment_window.window_start ← (window bounds)
sentiment_window.window_end ← (window bounds)
sentiment_window.topic ← rules
sentiment_window.n_tweets ← (no column: a count or a constant)
sentiment_window.n_scored ← sentiment_score
sentiment_window.avg_score ← sentiment_score
sentiment_window.avg_magnitude ← sentiment_score, sentiment_magnitude
sentiment_window.pos_share ← sentiment_score
sentiment_window.neg_share ← sentiment_score
influencer_window.window_start ← (window bounds); filtered or joined by id, author_id, ref_type, ref_id, ref_author_id
influencer_window.window_end ← (window bounds); filtered or joined by id, author_id, ref_type, ref_id, ref_author_id
influencer_window.topic ← rules; filtered or joined by id, author_id, ref_type, ref_id, ref_author_id
influencer_window.author_id ← author_id, ref_author_id; filtered or joined by id, ref_type, ref_id
influencer_window.username ← created_at, ingested_at, author_id, author_username, ref_author_id, ref_author_username; filtered or joined by id, ref_type, ref_id
influencer_window.rank ← id, author_id, author_followers, retweet_count, like_count, ref_author_id, ref_author_followers, ref_retweet_count, ref_like_count; filtered or joined by ref_type, ref_id
influencer_window.score ← id, author_followers, retweet_count, like_count, ref_author_followers, ref_retweet_count, ref_like_count; filtered or joined by author_id, ref_type, ref_id, ref_author_id
influencer_window.tweets ← (no column: a count or a constant); filtered or joined by id, author_id, ref_type, ref_id, ref_author_id
influencer_window.retweets ← retweet_count, ref_retweet_count; filtered or joined by id, author_id, ref_type, ref_id, ref_author_id
influencer_window.favourites ← like_count, ref_like_count; filtered or joined by id, author_id, ref_type, ref_id, ref_author_id
influencer_window.followers ← author_followers, ref_author_followers; filtered or joined by id, author_id, ref_type, ref_id, ref_author_id
influencer_window.depth ← id; filtered or joined by author_id, ref_type, ref_id, ref_author_id
word_window.window_start ← (window bounds); filtered or joined by text, ref_type
word_window.window_end ← (window bounds); filtered or joined by text, ref_type
word_window.topic ← rules; filtered or joined by text, ref_type
word_window.word ← text; filtered or joined by ref_type
word_window.count ← (no column: a count or a constant); filtered or joined by text, ref_type
word_window.rank ← text; filtered or joined by ref_type
hashtag_window.window_start ← (window bounds); filtered or joined by ref_type
hashtag_window.window_end ← (window bounds); filtered or joined by ref_type
hashtag_window.topic ← rules; filtered or joined by ref_type
hashtag_window.tag ← hashtags; filtered or joined by ref_type
hashtag_window.count ← (no column: a count or a constant); filtered or joined by ref_type
hashtag_window.authors ← author_id; filtered or joined by ref_type
hashtag_window.rank ← hashtags; filtered or joined by ref_type
mention_window.window_start ← (window bounds); filtered or joined by ref_type
mention_window.window_end ← (window bounds); filtered or joined by ref_type
mention_window.topic ← rules; filtered or joined by ref_type
mention_window.username ← mentions; filtered or joined by ref_type
mention_window.count ← (no column: a count or a constant); filtered or joined by ref_type
mention_window.authors ← author_id; filtered or joined by ref_type
mention_window.rank ← mentions; filtered or joined by ref_type
domain_window.window_start ← (window bounds); filtered or joined by ref_type
domain_window.window_end ← (window bounds); filtered or joined by ref_type
domain_window.topic ← rules; filtered or joined by ref_type
domain_window.domain ← urls; filtered or joined by ref_type
domain_window.count ← (no column: a count or a constant); filtered or joined by ref_type
domain_window.authors ← author_id; filtered or joined by ref_type
domain_window.rank ← urls; filtered or joined by ref_type
emoji_window.window_start ← (window bounds); filtered or joined by ref_type
emoji_window.window_end ← (window bounds); filtered or joined by ref_type
emoji_window.topic ← rules; filtered or joined by ref_type
emoji_window.emoji ← text; filtered or joined by ref_type
emoji_window.count ← (no column: a count or a constant); filtered or joined by ref_type
emoji_window.authors ← author_id; filtered or joined by ref_type
emoji_window.rank ← text; filtered or joined by ref_type
sentiment_window.avg_score_num ← sentiment_score
sentiment_window.avg_score_den ← sentiment_score
sentiment_window.avg_magnitude_num ← sentiment_score, sentiment_magnitude
sentiment_window.avg_magnitude_den ← sentiment_score, sentiment_magnitude
sentiment_window.pos_share_num ← sentiment_score
sentiment_window.pos_share_den ← sentiment_score
sentiment_window.neg_share_num ← sentiment_score
sentiment_window.neg_share_den ← sentiment_score
language_window.window_start ← (window bounds)
language_window.window_end ← (window bounds)
language_window.topic ← rules
language_window.lang ← lang
language_window.n_tweets ← (no column: a count or a constant)
language_window.share ← (no column: a count or a constant)
language_window.share_den ← (no column: a count or a constant)
share_of_voice_window.window_start ← (window bounds)
share_of_voice_window.window_end ← (window bounds)
share_of_voice_window.topic ← rules
share_of_voice_window.n_tweets ← (no column: a count or a constant)
share_of_voice_window.share_of_all ← rules
share_of_voice_window.share_of_tracked ← rules
share_of_voice_window.share_of_all_den ← rules
share_of_voice_window.share_of_tracked_den ← rules
volume_minute.window_start ← (window bounds)
volume_minute.window_end ← (window bounds)
volume_minute.topic ← rules
volume_minute.minute ← created_at
volume_minute.n_tweets ← (no column: a count or a constant)
volume_minute.n_scored ← sentiment_score
volume_minute.avg_score ← sentiment_score
volume_minute.avg_score_num ← sentiment_score
volume_minute.avg_score_den ← sentiment_score
sentiment_alert.window_start ← (window bounds) (via sentiment_window.window_start); filtered or joined by sentiment_score, sentiment_window.n_scored
sentiment_alert.window_end ← (window bounds) (via sentiment_window.window_end); filtered or joined by sentiment_score, sentiment_window.n_scored, sentiment_window.window_start
sentiment_alert.topic ← rules (via sentiment_window.topic); filtered or joined by sentiment_score, sentiment_window.n_scored, sentiment_window.window_start
sentiment_alert.severity ← sentiment_score (via sentiment_window.avg_score); filtered or joined by sentiment_window.n_scored, sentiment_window.window_start
sentiment_alert.avg_score ← sentiment_score (via sentiment_window.avg_score); filtered or joined by sentiment_window.n_scored, sentiment_window.window_start
sentiment_alert.baseline_mean ← sentiment_score (via sentiment_window.avg_score); filtered or joined by sentiment_window.n_scored, sentiment_window.window_start
sentiment_alert.baseline_sd ← sentiment_score (via sentiment_window.avg_score); filtered or joined by sentiment_window.n_scored, sentiment_window.window_start
sentiment_alert.baseline_windows ← sentiment_score (via sentiment_window.avg_score); filtered or joined by sentiment_window.n_scored, sentiment_window.window_start
sentiment_alert.drop ← sentiment_score (via sentiment_window.avg_score); filtered or joined by sentiment_window.n_scored, sentiment_window.window_start
sentiment_alert.n_scored ← sentiment_score (via sentiment_window.n_scored); filtered or joined by sentiment_window.window_start
sentiment_alert.threshold ← sentiment_score (via sentiment_window.avg_score); filtered or joined by sentiment_window.n_scored, sentiment_window.window_start
sentiment_alert.rule ← sentiment_score (via sentiment_window.avg_score); filtered or joined by sentiment_window.n_scored, sentiment_window.window_start
trending_hashtag_alert.window_start ← (window bounds) (via hashtag_window.window_start); filtered or joined by ref_type, hashtags
trending_hashtag_alert.window_end ← (window bounds) (via hashtag_window.window_end); filtered or joined by ref_type, hashtags, hashtag_window.window_start
trending_hashtag_alert.topic ← rules (via hashtag_window.topic); filtered or joined by ref_type, hashtags, hashtag_window.window_start
trending_hashtag_alert.tag ← hashtags (via hashtag_window.tag); filtered or joined by ref_type, hashtag_window.window_start
trending_hashtag_alert.severity ← (window bounds) (via hashtag_window.count, hashtag_window.window_start); filtered or joined by ref_type, hashtags, hashtag_window.tag
trending_hashtag_alert.count ← (no column: a count or a constant) (via hashtag_window.count); filtered or joined by ref_type, hashtags, hashtag_window.window_start
trending_hashtag_alert.baseline_mean ← (no column: a count or a constant) (via hashtag_window.count); filtered or joined by ref_type, hashtags, hashtag_window.tag, hashtag_window.window_start
trending_hashtag_alert.baseline_windows ← (no column: a count or a constant) (via hashtag_window.count); filtered or joined by ref_type, hashtags, hashtag_window.tag, hashtag_window.window_start
trending_hashtag_alert.new ← (window bounds) (via hashtag_window.window_start); filtered or joined by ref_type, hashtags, hashtag_window.tag
trending_hashtag_alert.threshold ← (window bounds) (via hashtag_window.count, hashtag_window.window_start); filtered or joined by ref_type, hashtags, hashtag_window.tag
trending_hashtag_alert.rule ← (window bounds) (via hashtag_window.count, hashtag_window.window_start); filtered or joined by ref_type, hashtags, hashtag_window.tag
volume_alert.window_start ← (window bounds) (via sentiment_window.window_start)
volume_alert.window_end ← (window bounds) (via sentiment_window.window_end); filtered or joined by sentiment_window.window_start
volume_alert.topic ← rules (via sentiment_window.topic); filtered or joined by sentiment_window.window_start
volume_alert.severity ← (no column: a count or a constant) (via sentiment_window.n_tweets); filtered or joined by sentiment_window.window_start
volume_alert.n_tweets ← (no column: a count or a constant) (via sentiment_window.n_tweets); filtered or joined by sentiment_window.window_start
volume_alert.baseline_mean ← (no column: a count or a constant) (via sentiment_window.n_tweets); filtered or joined by sentiment_window.window_start
volume_alert.baseline_sd ← (no column: a count or a constant) (via sentiment_window.n_tweets); filtered or joined by sentiment_window.window_start
volume_alert.baseline_windows ← (no column: a count or a constant) (via sentiment_window.n_tweets); filtered or joined by sentiment_window.window_start
volume_alert.ratio ← (no column: a count or a constant) (via sentiment_window.n_tweets); filtered or joined by sentiment_window.window_start
volume_alert.threshold ← (no column: a count or a constant) (via sentiment_window.n_tweets); filtered or joined by sentiment_window.window_start
volume_alert.rule ← (no column: a count or a constant) (via sentiment_window.n_tweets); filtered or joined by sentiment_window.window_start
`
  .trim()
  .split("\n");

describe("lineage of every shipped metric", () => {
  const all = jobLineage(compileJob(windowJob));
  const lines = [...all].flatMap(([m, l]) => [...l.columns].map(([c, x]) => lineageLine(m, c, x)));

  it.each(EXPECTED.map((l) => [l.split(" ")[0]!, l]))("%s", (column, expected) => {
    expect(lines.find((l) => l.split(" ")[0] === column)).toBe(expected);
  });

  it("covers every result column of every metric it lists, and lists no metric the job lacks", () => {
    const metricOf = (l: string) => l.split(".")[0]!;
    const listed = new Set(EXPECTED.map(metricOf));
    expect(lines.filter((l) => listed.has(metricOf(l))).sort()).toEqual([...EXPECTED].sort());
    expect([...listed].filter((m) => !all.has(m))).toEqual([]);
  });

  it("gives columns computing the same thing equal fingerprints, others different ones", () => {
    const fp = (m: string, c: string) => all.get(m)!.columns.get(c)!.fingerprint;
    expect(fp("sentiment_window", "pos_share")).not.toBe(fp("sentiment_window", "neg_share"));
    expect(fp("influencer_window", "score")).not.toBe(fp("influencer_window", "retweets"));
    expect(
      jobLineage(compileJob(windowJob)).get("influencer_window")!.columns.get("score")!.fingerprint,
    ).toBe(fp("influencer_window", "score"));
  });
});

describe("lineage of the language's operators (the fixture specs of specs/fixtures/language)", () => {
  it("pairs read the array; a sum over distinct entities reads the entity and the value; arithmetic reads both sides", async () => {
    const { job } = await loadSpecs(fileURLToPath(new URL("../specs/fixtures/language/", import.meta.url)), {
      typecheck: false,
    });
    const all = jobLineage(compileJob(job!));
    const line = (m: string, c: string) => lineageLine(m, c, all.get(m)!.columns.get(c)!);
    expect([
      line("hashtag_pairs", "tag_a"),
      line("hashtag_pairs", "tag_b"),
      line("hashtag_pairs", "count"),
      line("topic_reach", "reach"),
      line("tag_reach", "reach"),
      line("engagement_quarter", "engagement"),
      line("engagement_quarter", "net_points"),
      line("engagement_quarter", "quarter"),
      line("domain_sentiment", "rank"),
    ]).toEqual([
      "hashtag_pairs.tag_a ← hashtags; filtered or joined by ref_type",
      "hashtag_pairs.tag_b ← hashtags; filtered or joined by ref_type",
      "hashtag_pairs.count ← (no column: a count or a constant); filtered or joined by ref_type, hashtags",
      "topic_reach.reach ← author_id, author_followers",
      "tag_reach.reach ← author_id, author_followers; filtered or joined by ref_type",
      "engagement_quarter.engagement ← retweet_count, like_count",
      "engagement_quarter.net_points ← sentiment_score",
      "engagement_quarter.quarter ← created_at",
      "domain_sentiment.rank ← urls, sentiment_score; filtered or joined by ref_type",
    ]);
    // having changes which rows are stored
    const { rows } = all.get("domain_sentiment")!;
    const without = jobLineage(
      compileJob({
        ...job!,
        metrics: job!.metrics.map((m) => (m.name === "domain_sentiment" ? { ...m, having: undefined } : m)),
      }),
    ).get("domain_sentiment")!;
    expect(without.rows).not.toBe(rows);
  });
});
