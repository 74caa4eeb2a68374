import type { Kysely } from "kysely";
import { runStatements } from "./run.ts";

/**
 * 0002's influencer index lacked `tweets`, which the top-influencers query sums: without it the
 * planner cannot answer from the index alone and picked the primary key with a heap fetch per
 * row. Rebuilt with every column the query reads (test/sql/explain.test.ts asserts the plan).
 */
const up = [
  "drop index influencer_window_topic_start_idx",
  `create index influencer_window_topic_start_idx on influencer_window (topic, window_start)
     include (author_id, score, rank, tweets, retweets, favourites, followers, depth, username)`,
];

const down = [
  "drop index influencer_window_topic_start_idx",
  `create index influencer_window_topic_start_idx on influencer_window (topic, window_start)
     include (author_id, score, rank, retweets, favourites, followers, depth, username)`,
];

export const influencerIndexTweets = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
