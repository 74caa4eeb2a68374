import type { Database } from "./database.ts";

/** PostgreSQL types as `information_schema.columns.data_type` spells them. */
export type PgType =
  | "timestamp with time zone"
  | "text"
  | "bigint"
  | "double precision"
  | "integer"
  | "jsonb";

export interface ColumnSpec {
  readonly type: PgType;
  readonly nullable: boolean;
}

const ts = { type: "timestamp with time zone", nullable: false } as const;
const text = { type: "text", nullable: false } as const;
const textNull = { type: "text", nullable: true } as const;
const big = { type: "bigint", nullable: false } as const;
const bigNull = { type: "bigint", nullable: true } as const;
const int = { type: "integer", nullable: false } as const;
const intNull = { type: "integer", nullable: true } as const;
const dbl = { type: "double precision", nullable: false } as const;
const dblNull = { type: "double precision", nullable: true } as const;

/**
 * The result-table contract (docs/contracts.md and the agreed "Result tables contract") as data: what the
 * migrations create, what the Kysely `Database` type declares (checked below at compile time) and
 * what the sparkgen specs write (`resultTables()` of sparkgen/index.ts; test/sql/columns.test.ts
 * compares both with the migrated schema, naming any column that differs).
 */
export const RESULT_COLUMNS = {
  sentiment_window: {
    window_start: ts,
    window_end: ts,
    topic: text,
    n_tweets: big,
    n_scored: big,
    avg_score: dblNull,
    avg_magnitude: dblNull,
    pos_share: dblNull,
    neg_share: dblNull,
    computed_at: ts,
  },
  influencer_window: {
    window_start: ts,
    window_end: ts,
    topic: text,
    author_id: text,
    username: text,
    rank: int,
    score: dbl,
    tweets: big,
    retweets: big,
    favourites: big,
    followers: big,
    depth: int,
    computed_at: ts,
  },
  word_window: {
    window_start: ts,
    window_end: ts,
    topic: text,
    word: text,
    count: big,
    rank: int,
    computed_at: ts,
  },
  sentiment_alert: {
    window_start: ts,
    window_end: ts,
    topic: text,
    severity: text,
    avg_score: dbl,
    baseline_mean: dbl,
    baseline_sd: dbl,
    baseline_windows: int,
    drop: dbl,
    n_scored: big,
    computed_at: ts,
  },
  pipeline_run: {
    id: big,
    window_start: ts,
    window_end: ts,
    attempt: int,
    status: text,
    runner: text,
    step_id: textNull,
    input_objects: intNull,
    input_fingerprint: textNull,
    rows_read: bigNull,
    bad_records: bigNull,
    duplicates: bigNull,
    started_at: ts,
    finished_at: { type: "timestamp with time zone", nullable: true },
    error: textNull,
    artifacts_uri: textNull,
    owner: textNull,
    sql_hashes: { type: "jsonb", nullable: true },
  },
} as const satisfies Record<keyof Database, Record<string, ColumnSpec>>;

/** The four tables a Spark step writes (pipeline_run is the runner's). */
export const METRIC_TABLES = [
  "sentiment_window",
  "influencer_window",
  "word_window",
  "sentiment_alert",
] as const;
export type MetricTable = (typeof METRIC_TABLES)[number];

// Compile-time: the Kysely interface and the column list name exactly the same columns.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ColumnsAgree = {
  [T in keyof Database]: Same<keyof Database[T], keyof (typeof RESULT_COLUMNS)[T]>;
};
const columnsAgree: ColumnsAgree = {
  sentiment_window: true,
  influencer_window: true,
  word_window: true,
  sentiment_alert: true,
  pipeline_run: true,
};
void columnsAgree;
