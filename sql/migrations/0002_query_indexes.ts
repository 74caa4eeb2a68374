import type { Kysely } from "kysely";
import { runStatements } from "./run.ts";

/**
 * Indexes for the typed queries in sql/queries. Every query filters one topic over a time range,
 * so each index leads with (topic, window_start); INCLUDE carries the columns the query
 * aggregates, which turns the top-influencers query over a day (~10k rows out of ~10M) into an
 * index-only scan. https://www.postgresql.org/docs/current/indexes-index-only-scans.html

 * pipeline_run needs none: its (window_start, window_end, attempt) unique key serves the runs query.
 */
const up = [
  `create index influencer_window_topic_start_idx on influencer_window (topic, window_start)
     include (author_id, score, rank, retweets, favourites, followers, depth, username)`,
  `create index word_window_topic_start_idx on word_window (topic, window_start) include (word, count)`,
  "create index sentiment_window_topic_start_idx on sentiment_window (topic, window_start)",
  "create index sentiment_alert_topic_start_idx on sentiment_alert (topic, window_start)",
];

const down = [
  "drop index sentiment_alert_topic_start_idx",
  "drop index sentiment_window_topic_start_idx",
  "drop index word_window_topic_start_idx",
  "drop index influencer_window_topic_start_idx",
];

export const queryIndexes = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
