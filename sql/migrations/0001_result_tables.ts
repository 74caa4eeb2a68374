import type { Kysely } from "kysely";
import { runStatements } from "./run.ts";

/**
 * The five result tables of the contract with their keys and CHECK constraints.
 * Checks state what the metric definitions guarantee (docs/contracts.md, "Metrics"), so a step that writes
 * nonsense fails its transaction instead of publishing it.
 */
const up = [
  `create table sentiment_window (
    window_start timestamptz not null,
    window_end timestamptz not null,
    topic text not null,
    n_tweets bigint not null,
    n_scored bigint not null,
    avg_score double precision,
    avg_magnitude double precision,
    pos_share double precision,
    neg_share double precision,
    computed_at timestamptz not null default now(),
    constraint sentiment_window_pkey primary key (window_start, topic),
    constraint sentiment_window_window check (window_end > window_start),
    constraint sentiment_window_counts check (n_tweets >= 0 and n_scored between 0 and n_tweets),
    constraint sentiment_window_avg_score check (avg_score between -1 and 1),
    constraint sentiment_window_avg_magnitude check (avg_magnitude >= 0),
    constraint sentiment_window_pos_share check (pos_share between 0 and 1),
    constraint sentiment_window_neg_share check (neg_share between 0 and 1),
    constraint sentiment_window_null_when_unscored check (
      n_scored > 0 or (avg_score is null and avg_magnitude is null and pos_share is null and neg_share is null)
    )
  )`,
  `create table influencer_window (
    window_start timestamptz not null,
    window_end timestamptz not null,
    topic text not null,
    author_id text not null,
    username text not null,
    rank integer not null,
    score double precision not null,
    tweets bigint not null,
    retweets bigint not null,
    favourites bigint not null,
    followers bigint not null,
    depth integer not null,
    computed_at timestamptz not null default now(),
    constraint influencer_window_pkey primary key (window_start, topic, author_id),
    constraint influencer_window_rank_unique unique (window_start, topic, rank),
    constraint influencer_window_window check (window_end > window_start),
    constraint influencer_window_rank check (rank >= 1),
    constraint influencer_window_score check (score between 0 and 1),
    constraint influencer_window_counts check (tweets >= 0 and retweets >= 0 and favourites >= 0 and followers >= 0),
    constraint influencer_window_depth check (depth between 0 and 8)
  )`,
  `create table word_window (
    window_start timestamptz not null,
    window_end timestamptz not null,
    topic text not null,
    word text not null,
    count bigint not null,
    rank integer not null,
    computed_at timestamptz not null default now(),
    constraint word_window_pkey primary key (window_start, topic, word),
    constraint word_window_window check (window_end > window_start),
    constraint word_window_count check (count >= 1),
    constraint word_window_rank check (rank >= 1),
    constraint word_window_word check (word <> '')
  )`,
  `create table sentiment_alert (
    window_start timestamptz not null,
    window_end timestamptz not null,
    topic text not null,
    severity text not null,
    avg_score double precision not null,
    baseline_mean double precision not null,
    baseline_sd double precision not null,
    baseline_windows integer not null,
    drop double precision not null,
    n_scored bigint not null,
    computed_at timestamptz not null default now(),
    constraint sentiment_alert_pkey primary key (window_start, topic),
    constraint sentiment_alert_window check (window_end > window_start),
    constraint sentiment_alert_severity check (severity in ('warning', 'critical')),
    constraint sentiment_alert_avg_score check (avg_score between -1 and 1),
    constraint sentiment_alert_baseline check (baseline_sd >= 0 and baseline_windows >= 1),
    constraint sentiment_alert_n_scored check (n_scored >= 0)
  )`,
  `create table pipeline_run (
    id bigserial primary key,
    window_start timestamptz not null,
    window_end timestamptz not null,
    attempt integer not null,
    status text not null,
    runner text not null,
    step_id text,
    input_objects integer,
    input_fingerprint text,
    rows_read bigint,
    bad_records bigint,
    duplicates bigint,
    started_at timestamptz not null,
    finished_at timestamptz,
    error text,
    artifacts_uri text,
    owner text,
    constraint pipeline_run_attempt_unique unique (window_start, window_end, attempt),
    constraint pipeline_run_window check (window_end > window_start),
    constraint pipeline_run_attempt check (attempt >= 1),
    constraint pipeline_run_status check (
      status in ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')
    ),
    constraint pipeline_run_runner check (runner in ('local', 'emr')),
    constraint pipeline_run_counts check (
      input_objects >= 0 and rows_read >= 0 and bad_records >= 0 and duplicates >= 0
    ),
    constraint pipeline_run_finished check (finished_at >= started_at)
  )`,
];

const down = [
  "drop table pipeline_run",
  "drop table sentiment_alert",
  "drop table word_window",
  "drop table influencer_window",
  "drop table sentiment_window",
];

export const resultTables = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
