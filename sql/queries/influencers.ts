import { type Kysely, sql } from "kysely";
import type { Database } from "../database.ts";
import { checkRange, type RangeQuery } from "./range.ts";

/** One author over a range of windows. */
export interface InfluencerRanking {
  /** 1-based position: by `score` desc, then `followers` desc, then `authorId` asc. */
  position: number;
  authorId: string;
  /** The username of the author's latest window in the range. */
  username: string;
  /** Sum of the author's window scores in the range (a window where the author is not in the top 100 adds 0). */
  score: number;
  /** Windows of the range in which the author is ranked. */
  windows: number;
  /** Best (lowest) window rank. */
  bestRank: number;
  tweets: number;
  retweets: number;
  favourites: number;
  /** Largest followers count seen. */
  followers: number;
  /** Deepest cascade seen (0…8). */
  depth: number;
}

/**
 * Top influencers of a topic over a range: authors ranked by the sum of their window scores.
 * Served by influencer_window_topic_start_idx as an index-only scan (migration 0002).
 *
 * @example
 * await topInfluencers(db, { topic: "acme", from: new Date(Date.now() - 864e5), to: new Date(), limit: 10 });
 */
export async function topInfluencers(db: Kysely<Database>, q: RangeQuery): Promise<InfluencerRanking[]> {
  const rows = await topInfluencersQuery(db, q).execute();
  return rows.map((r, i) => ({
    position: i + 1,
    authorId: r.author_id,
    username: r.username,
    score: r.score,
    windows: r.windows,
    bestRank: r.best_rank,
    tweets: r.tweets,
    retweets: r.retweets,
    favourites: r.favourites,
    followers: r.followers,
    depth: r.depth,
  }));
}

/**
 * The query behind topInfluencers (tests EXPLAIN its compiled SQL). Two steps, because an ordered
 * aggregate for "the latest username" forces a sort of every row of the range by author: first
 * a hash aggregate over an index-only scan ranks the authors and remembers each one's latest
 * window; then the top `limit` authors' usernames are primary-key lookups of that window.
 * Author ids tie-break in C collation: the same order on every server locale.
 */
export function topInfluencersQuery(db: Kysely<Database>, q: RangeQuery) {
  const { topic, limit } = checkRange(q, 20);
  return db
    .with("ranked", (d) =>
      d
        .selectFrom("influencer_window")
        .where("topic", "=", topic)
        .where("window_start", ">=", q.from)
        .where("window_start", "<", q.to)
        .groupBy("author_id")
        .select((eb) => [
          "author_id",
          eb.fn.sum<number>("score").as("score"),
          sql<number>`count(*)::integer`.as("windows"),
          eb.fn.min<number>("rank").as("best_rank"),
          sql<number>`sum(tweets)::bigint`.as("tweets"),
          sql<number>`sum(retweets)::bigint`.as("retweets"),
          sql<number>`sum(favourites)::bigint`.as("favourites"),
          eb.fn.max<number>("followers").as("followers"),
          eb.fn.max<number>("depth").as("depth"),
          eb.fn.max<Date>("window_start").as("last_start"),
        ])
        .orderBy(sql`sum(score)`, "desc")
        .orderBy(sql`max(followers)`, "desc")
        .orderBy(sql`author_id collate "C"`, "asc")
        .limit(limit),
    )
    .selectFrom("ranked as r")
    .innerJoin("influencer_window as i", (j) =>
      j
        .onRef("i.window_start", "=", "r.last_start")
        .on("i.topic", "=", topic)
        .onRef("i.author_id", "=", "r.author_id"),
    )
    .select([
      "r.author_id",
      "i.username",
      "r.score",
      "r.windows",
      "r.best_rank",
      "r.tweets",
      "r.retweets",
      "r.favourites",
      "r.followers",
      "r.depth",
    ])
    .orderBy("r.score", "desc")
    .orderBy("r.followers", "desc")
    .orderBy(sql`r.author_id collate "C"`, "asc");
}
