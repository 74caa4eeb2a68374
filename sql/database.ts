import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/**
 * The Kysely view of the result tables (the contract in docs/contracts.md, "Result tables").
 * Columns are checked against the migrated schema and the sparkgen specs by test/sql/columns.test.ts,
 * and against `RESULT_COLUMNS` at compile time (sql/columns.ts), so the three cannot drift apart.
 *
 * `bigint` columns read as `number`: `openDb` installs an int8 parser (counts stay far below 2^53).
 * `timestamptz` columns read as `Date` and accept a `Date` or an ISO string.
 */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** `computed_at`: set by the database on insert unless given. */
export type ComputedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SentimentWindowTable {
  window_start: Timestamp;
  window_end: Timestamp;
  topic: string;
  n_tweets: number;
  n_scored: number;
  avg_score: number | null;
  avg_magnitude: number | null;
  pos_share: number | null;
  neg_share: number | null;
  computed_at: ComputedAt;
}

export interface InfluencerWindowTable {
  window_start: Timestamp;
  window_end: Timestamp;
  topic: string;
  author_id: string;
  username: string;
  rank: number;
  score: number;
  tweets: number;
  retweets: number;
  favourites: number;
  followers: number;
  depth: number;
  computed_at: ComputedAt;
}

export interface WordWindowTable {
  window_start: Timestamp;
  window_end: Timestamp;
  topic: string;
  word: string;
  count: number;
  rank: number;
  computed_at: ComputedAt;
}

export type AlertSeverity = "warning" | "critical";

export interface SentimentAlertTable {
  window_start: Timestamp;
  window_end: Timestamp;
  topic: string;
  severity: AlertSeverity;
  avg_score: number;
  baseline_mean: number;
  baseline_sd: number;
  baseline_windows: number;
  drop: number;
  n_scored: number;
  computed_at: ComputedAt;
}

export const RUN_STATUSES = [
  "pending",
  "running",
  "succeeded",
  "failed",
  "cancelled",
  "interrupted",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUNNERS = ["local", "emr", "emr-serverless"] as const;
export type Runner = (typeof RUNNERS)[number];

export interface PipelineRunTable {
  id: Generated<number>;
  window_start: Timestamp;
  window_end: Timestamp;
  attempt: number;
  status: RunStatus;
  runner: Runner;
  step_id: string | null;
  input_objects: number | null;
  input_fingerprint: string | null;
  rows_read: number | null;
  bad_records: number | null;
  duplicates: number | null;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  error: string | null;
  artifacts_uri: string | null;
  owner: string | null;
  /** Per statement the attempt ran, its SQL hash (sparkgen/plan); NULL before migration 0008. */
  sql_hashes: ColumnType<
    Readonly<Record<string, string>> | null,
    Readonly<Record<string, string>> | null | undefined,
    Readonly<Record<string, string>> | null
  >;
}

export interface Database {
  sentiment_window: SentimentWindowTable;
  influencer_window: InfluencerWindowTable;
  word_window: WordWindowTable;
  sentiment_alert: SentimentAlertTable;
  pipeline_run: PipelineRunTable;
}

export type ResultTable = keyof Database;

export type SentimentWindow = Selectable<SentimentWindowTable>;
export type NewSentimentWindow = Insertable<SentimentWindowTable>;
export type InfluencerWindow = Selectable<InfluencerWindowTable>;
export type NewInfluencerWindow = Insertable<InfluencerWindowTable>;
export type WordWindow = Selectable<WordWindowTable>;
export type NewWordWindow = Insertable<WordWindowTable>;
export type SentimentAlert = Selectable<SentimentAlertTable>;
export type NewSentimentAlert = Insertable<SentimentAlertTable>;
export type PipelineRun = Selectable<PipelineRunTable>;
export type NewPipelineRun = Insertable<PipelineRunTable>;
export type PipelineRunUpdate = Updateable<PipelineRunTable>;
