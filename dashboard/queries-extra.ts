import { type Kysely, sql } from "kysely";
import type { Database } from "../sql/index.ts";
import type { AlertRow, InfluencerRow, SentimentPoint, TopicSummary, WordRow } from "./data.ts";
import type { RangeQuery } from "./params.ts";

/**
 * Read queries the dashboard needs. A range selects the windows whose start lies in [from, to).
 * Range aggregates follow the sql stage's daily BI views: an influencer's range score is the sum
 * of its window scores (being influential in more windows counts), counts are summed, followers
 * and depth are the maximum, the username is the latest one.
 */
const iso = (d: Date): string => d.toISOString();

export async function topicSummaries(db: Kysely<Database>): Promise<TopicSummary[]> {
  const rows = await db
    .selectFrom("sentiment_window")
    .select((eb) => [
      "topic",
      eb.fn.countAll<number>().as("windows"),
      eb.fn.min("window_start").as("first_window"),
      eb.fn.max("window_end").as("last_window_end"),
    ])
    .groupBy("topic")
    .orderBy(sql`topic = '*'`, "desc")
    .orderBy("topic")
    .execute();
  return rows.map((r) => ({
    topic: r.topic,
    windows: Number(r.windows),
    first_window: iso(r.first_window),
    last_window_end: iso(r.last_window_end),
  }));
}

export async function sentimentTimeline(db: Kysely<Database>, q: RangeQuery): Promise<SentimentPoint[]> {
  const rows = await db
    .selectFrom("sentiment_window as s")
    .leftJoin("sentiment_alert as a", (j) =>
      j.onRef("a.window_start", "=", "s.window_start").onRef("a.topic", "=", "s.topic"),
    )
    .select([
      "s.window_start",
      "s.window_end",
      "s.n_tweets",
      "s.n_scored",
      "s.avg_score",
      "s.avg_magnitude",
      "s.pos_share",
      "s.neg_share",
      "a.severity",
      "a.avg_score as alert_avg_score",
      "a.baseline_mean",
      "a.baseline_sd",
      "a.baseline_windows",
      "a.drop",
      "a.n_scored as alert_n_scored",
    ])
    .where("s.topic", "=", q.topic)
    .where("s.window_start", ">=", q.from)
    .where("s.window_start", "<", q.to)
    .orderBy("s.window_start")
    .execute();
  return rows.map((r) => ({
    window_start: iso(r.window_start),
    window_end: iso(r.window_end),
    n_tweets: r.n_tweets,
    n_scored: r.n_scored,
    avg_score: r.avg_score,
    avg_magnitude: r.avg_magnitude,
    pos_share: r.pos_share,
    neg_share: r.neg_share,
    alert:
      r.severity === null
        ? null
        : {
            severity: r.severity,
            avg_score: r.alert_avg_score!,
            baseline_mean: r.baseline_mean!,
            baseline_sd: r.baseline_sd!,
            baseline_windows: r.baseline_windows!,
            drop: r.drop!,
            n_scored: r.alert_n_scored!,
          },
  }));
}

export async function topInfluencers(db: Kysely<Database>, q: RangeQuery): Promise<InfluencerRow[]> {
  const rows = await db
    .selectFrom("influencer_window")
    .select((eb) => [
      "author_id",
      sql<string>`(array_agg(username order by window_start desc))[1]`.as("username"),
      eb.fn.sum<number>("score").as("score"),
      eb.fn.countAll<number>().as("windows"),
      eb.fn.sum<number>("tweets").as("tweets"),
      eb.fn.sum<number>("retweets").as("retweets"),
      eb.fn.sum<number>("favourites").as("favourites"),
      eb.fn.max("followers").as("followers"),
      eb.fn.max("depth").as("depth"),
    ])
    .where("topic", "=", q.topic)
    .where("window_start", ">=", q.from)
    .where("window_start", "<", q.to)
    .groupBy("author_id")
    .orderBy("score", "desc")
    .orderBy("followers", "desc")
    .orderBy("author_id")
    .limit(q.limit)
    .execute();
  // sum(bigint) is numeric in PostgreSQL and arrives as a string: convert every aggregate.
  return rows.map((r, i) => ({
    rank: i + 1,
    author_id: r.author_id,
    username: r.username,
    score: Number(r.score),
    windows: Number(r.windows),
    tweets: Number(r.tweets),
    retweets: Number(r.retweets),
    favourites: Number(r.favourites),
    followers: Number(r.followers),
    depth: Number(r.depth),
  }));
}

export async function wordCloud(db: Kysely<Database>, q: RangeQuery): Promise<WordRow[]> {
  const rows = await db
    .selectFrom("word_window")
    .select((eb) => ["word", eb.fn.sum<number>("count").as("count")])
    .where("topic", "=", q.topic)
    .where("window_start", ">=", q.from)
    .where("window_start", "<", q.to)
    .groupBy("word")
    .orderBy("count", "desc")
    .orderBy("word")
    .limit(q.limit)
    .execute();
  return rows.map((r) => ({ word: r.word, count: Number(r.count) }));
}

export async function alertsInRange(db: Kysely<Database>, q: RangeQuery): Promise<AlertRow[]> {
  const rows = await db
    .selectFrom("sentiment_alert")
    .selectAll()
    .where("topic", "=", q.topic)
    .where("window_start", ">=", q.from)
    .where("window_start", "<", q.to)
    .orderBy("window_start", "desc")
    .limit(q.limit)
    .execute();
  return rows.map((r) => ({
    topic: r.topic,
    window_start: iso(r.window_start),
    window_end: iso(r.window_end),
    severity: r.severity,
    avg_score: r.avg_score,
    baseline_mean: r.baseline_mean,
    baseline_sd: r.baseline_sd,
    baseline_windows: r.baseline_windows,
    drop: r.drop,
    n_scored: r.n_scored,
  }));
}
