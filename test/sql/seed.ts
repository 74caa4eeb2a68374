import type { Kysely } from "kysely";
import type { Database, NewInfluencerWindow } from "../../sql/index.ts";

/** Three 15-minute windows; queries in the tests read [W1, W3). */
export const W1 = "2026-11-26T00:00:00.000Z";
export const W2 = "2026-11-26T00:15:00.000Z";
export const W3 = "2026-11-26T00:30:00.000Z";
export const W4 = "2026-11-26T00:45:00.000Z";
const end = { [W1]: W2, [W2]: W3, [W3]: W4 } as Record<string, string>;

/** A username and a topic no one should be able to break a query with. */
export const HOSTILE_NAME = `O'Brien -- "; drop table influencer_window; ✓ 🎉`;
export const HOSTILE_TOPIC = `it's -- "x"; ✓`;

const inf = (
  w: string,
  topic: string,
  author_id: string,
  username: string,
  rank: number,
  score: number,
  c: [tweets: number, retweets: number, favourites: number, followers: number, depth: number],
): NewInfluencerWindow => ({
  window_start: w,
  window_end: end[w]!,
  topic,
  author_id,
  username,
  rank,
  score,
  tweets: c[0],
  retweets: c[1],
  favourites: c[2],
  followers: c[3],
  depth: c[4],
});

/** Small, hand-checkable results: the expected values in queries.test.ts are worked out from these rows. */
export async function seedResults(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto("influencer_window")
    .values([
      inf(W1, "acme", "a1", "alice", 1, 0.9, [2, 10, 5, 100, 2]),
      inf(W1, "acme", "a2", "bob", 2, 0.5, [1, 3, 1, 300, 1]),
      inf(W1, "acme", "a3", "carol", 3, 0.4, [1, 0, 0, 50, 0]),
      inf(W2, "acme", "a2", "bobby", 1, 0.8, [3, 7, 2, 310, 3]),
      inf(W2, "acme", "a3", "carol", 2, 0.5, [1, 1, 1, 60, 1]),
      inf(W2, "acme", "a4", "dave", 3, 0.3, [1, 0, 0, 1000, 0]),
      inf(W2, "acme", "a5", HOSTILE_NAME, 4, 0.3, [1, 0, 0, 1000, 0]),
      // Outside the range, and another topic: must not count.
      inf(W3, "acme", "a4", "dave", 1, 1, [5, 50, 50, 1000, 8]),
      inf(W1, "*", "a1", "alice", 1, 0.2, [9, 9, 9, 100, 1]),
    ])
    .execute();

  await db
    .insertInto("sentiment_window")
    .values([
      {
        window_start: W1,
        window_end: W2,
        topic: "acme",
        n_tweets: 10,
        n_scored: 8,
        avg_score: 0.25,
        avg_magnitude: 0.5,
        pos_share: 0.5,
        neg_share: 0.125,
        // What those roll up from (8 scored: Σ score 2, Σ magnitude 4, 4 positive, 1 negative).
        ...{ avg_score_num: 2, avg_score_den: 8, avg_magnitude_num: 4, avg_magnitude_den: 8 },
        ...{ pos_share_num: 4, pos_share_den: 8, neg_share_num: 1, neg_share_den: 8 },
      },
      {
        window_start: W2,
        window_end: W3,
        topic: "acme",
        n_tweets: 20,
        n_scored: 20,
        avg_score: -0.4,
        avg_magnitude: 0.9,
        pos_share: 0.1,
        neg_share: 0.7,
        ...{ avg_score_num: -8, avg_score_den: 20, avg_magnitude_num: 18, avg_magnitude_den: 20 },
        ...{ pos_share_num: 2, pos_share_den: 20, neg_share_num: 14, neg_share_den: 20 },
      },
      {
        window_start: W3,
        window_end: W4,
        topic: "acme",
        n_tweets: 5,
        n_scored: 5,
        avg_score: 0,
        avg_magnitude: 0.1,
        pos_share: 0,
        neg_share: 0,
      },
      // An empty window: zero counts, no averages.
      {
        window_start: W1,
        window_end: W2,
        topic: "*",
        n_tweets: 0,
        n_scored: 0,
        avg_score: null,
        avg_magnitude: null,
        pos_share: null,
        neg_share: null,
      },
      {
        window_start: W1,
        window_end: W2,
        topic: HOSTILE_TOPIC,
        n_tweets: 1,
        n_scored: 1,
        avg_score: -1,
        avg_magnitude: 2,
        pos_share: 0,
        neg_share: 1,
      },
    ])
    .execute();

  await db
    .insertInto("sentiment_alert")
    .values([
      {
        window_start: W2,
        window_end: W3,
        topic: "acme",
        severity: "critical",
        avg_score: -0.4,
        baseline_mean: 0.25,
        baseline_sd: 0.05,
        baseline_windows: 4,
        drop: 0.65,
        n_scored: 20,
        threshold: 0.4,
        rule: "max(0.4, 3·baseline_sd)",
      },
      {
        window_start: W2,
        window_end: W3,
        topic: "*",
        severity: "warning",
        avg_score: 0,
        baseline_mean: 0.3,
        baseline_sd: 0.01,
        baseline_windows: 8,
        drop: 0.3,
        n_scored: 40,
        threshold: 0.2,
        rule: "max(0.2, 2·baseline_sd)",
      },
      {
        window_start: W3,
        window_end: W4,
        topic: "acme",
        severity: "warning",
        avg_score: 0,
        baseline_mean: 0.25,
        baseline_sd: 0.05,
        baseline_windows: 5,
        drop: 0.25,
        n_scored: 5,
        threshold: 0.2,
        rule: "max(0.2, 2·baseline_sd)",
      },
    ])
    .execute();

  const word = (w: string, topic: string, word: string, count: number, rank: number) => ({
    window_start: w,
    window_end: end[w]!,
    topic,
    word,
    count,
    rank,
  });
  await db
    .insertInto("word_window")
    .values([
      word(W1, "acme", "brand", 5, 1),
      word(W1, "acme", "launch", 3, 2),
      word(W1, "acme", "it's", 2, 3),
      word(W1, "acme", "café", 1, 4),
      word(W2, "acme", "brand", 4, 1),
      word(W2, "acme", "launch", 4, 2),
      word(W2, "acme", "o'brien--", 3, 3),
      word(W2, "acme", "#acme", 3, 4),
      word(W3, "acme", "brand", 100, 1),
      word(W1, "*", "brand", 50, 1),
    ])
    .execute();

  await db
    .insertInto("pipeline_run")
    .values([
      {
        window_start: W1,
        window_end: W2,
        attempt: 1,
        status: "failed",
        runner: "local",
        started_at: "2026-11-26T00:25:00Z",
        finished_at: "2026-11-26T00:26:30Z",
        error: "spark-submit exited 1",
        input_objects: 3,
        rows_read: 100,
        bad_records: 1,
        duplicates: 0,
      },
      {
        window_start: W1,
        window_end: W2,
        attempt: 2,
        status: "succeeded",
        runner: "emr",
        step_id: "s-1A2B",
        started_at: "2026-11-26T00:30:00Z",
        finished_at: "2026-11-26T00:31:00Z",
        input_objects: 3,
        rows_read: 100,
        bad_records: 2,
        duplicates: 5,
        owner: "ops",
      },
      {
        window_start: W2,
        window_end: W3,
        attempt: 1,
        status: "running",
        runner: "local",
        started_at: "2026-11-26T00:40:00Z",
      },
      {
        window_start: W3,
        window_end: W4,
        attempt: 1,
        status: "pending",
        runner: "local",
        started_at: "2026-11-26T00:55:00Z",
      },
    ])
    .execute();
}
