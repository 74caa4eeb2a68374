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

export interface VolumeAlertTable {
  window_start: Timestamp;
  window_end: Timestamp;
  topic: string;
  severity: AlertSeverity;
  n_tweets: number;
  baseline_mean: number;
  baseline_sd: number;
  baseline_windows: number;
  /** n_tweets / baseline_mean; NULL when the mean is 0. */
  ratio: number | null;
  computed_at: ComputedAt;
}

/** The alert tables (`alerts.kind` names one). */
export const ALERT_TABLES = ["sentiment_alert", "volume_alert"] as const;
export type AlertKind = (typeof ALERT_TABLES)[number];

/** The `alerts` view (migration 0007): every alert of every kind; a kind's own columns are NULL for the others. */
export type AlertsView = {
  kind: AlertKind;
  window_start: Date;
  window_end: Date;
  topic: string;
  severity: AlertSeverity;
  /** The column the baseline is over (`avg_score`, `n_tweets`) and its value in the window. */
  measure: string;
  value: number;
  baseline_mean: number;
  baseline_sd: number;
  baseline_windows: number;
  drop: number | null;
  n_scored: number | null;
  ratio: number | null;
  computed_at: Date;
};

/** Views the typed queries read (`db.withTables<Views>()`). */
export type Views = {
  alerts: AlertsView;
};

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
}

export interface Database {
  sentiment_window: SentimentWindowTable;
  influencer_window: InfluencerWindowTable;
  word_window: WordWindowTable;
  sentiment_alert: SentimentAlertTable;
  volume_alert: VolumeAlertTable;
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
export type VolumeAlert = Selectable<VolumeAlertTable>;
export type NewVolumeAlert = Insertable<VolumeAlertTable>;
export type PipelineRun = Selectable<PipelineRunTable>;
export type NewPipelineRun = Insertable<PipelineRunTable>;
export type PipelineRunUpdate = Updateable<PipelineRunTable>;
