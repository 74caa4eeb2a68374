import type { Kysely } from "kysely";
import { runStatements } from "./run.ts";

/**
 * The result tables of the metrics in docs/contracts.md "More metrics" (sparkgen/specs/*), keyed
 * like the others by (window_start, topic, …dimensions), each with a (topic, window_start) index
 * for the per-topic range reads. Checks state what the formulas guarantee.
 */
const ranked = (table: string, label: string) => `create table ${table} (
    window_start timestamptz not null,
    window_end timestamptz not null,
    topic text not null,
    ${label} text not null,
    count bigint not null,
    authors bigint not null,
    rank integer not null,
    computed_at timestamptz not null default now(),
    constraint ${table}_pkey primary key (window_start, topic, ${label}),
    constraint ${table}_rank_unique unique (window_start, topic, rank),
    constraint ${table}_window check (window_end > window_start),
    constraint ${table}_counts check (count >= 1 and authors between 1 and count),
    constraint ${table}_rank check (rank >= 1)
  )`;

const TABLES = [
  "hashtag_window",
  "mention_window",
  "domain_window",
  "language_window",
  "share_of_voice_window",
  "volume_minute",
] as const;

const up = [
  ranked("hashtag_window", "tag"),
  ranked("mention_window", "username"),
  ranked("domain_window", "domain"),
  `create table language_window (
    window_start timestamptz not null,
    window_end timestamptz not null,
    topic text not null,
    lang text not null,
    n_tweets bigint not null,
    share double precision,
    computed_at timestamptz not null default now(),
    constraint language_window_pkey primary key (window_start, topic, lang),
    constraint language_window_window check (window_end > window_start),
    constraint language_window_n_tweets check (n_tweets >= 1),
    constraint language_window_share check (share > 0 and share <= 1)
  )`,
  `create table share_of_voice_window (
    window_start timestamptz not null,
    window_end timestamptz not null,
    topic text not null,
    n_tweets bigint not null,
    share_of_all double precision,
    share_of_tracked double precision,
    computed_at timestamptz not null default now(),
    constraint share_of_voice_window_pkey primary key (window_start, topic),
    constraint share_of_voice_window_window check (window_end > window_start),
    constraint share_of_voice_window_topic check (topic <> '*'),
    constraint share_of_voice_window_n_tweets check (n_tweets >= 1),
    constraint share_of_voice_window_shares check (
      share_of_all > 0 and share_of_all <= 1 and share_of_tracked > 0 and share_of_tracked <= 1
    )
  )`,
  `create table volume_minute (
    window_start timestamptz not null,
    window_end timestamptz not null,
    topic text not null,
    minute timestamptz not null,
    n_tweets bigint not null,
    n_scored bigint not null,
    avg_score double precision,
    computed_at timestamptz not null default now(),
    constraint volume_minute_pkey primary key (window_start, topic, minute),
    constraint volume_minute_window check (window_end > window_start),
    constraint volume_minute_minute check (minute >= window_start and minute < window_end),
    constraint volume_minute_counts check (n_tweets >= 1 and n_scored between 0 and n_tweets),
    constraint volume_minute_avg_score check (avg_score between -1 and 1),
    constraint volume_minute_null_when_unscored check (n_scored > 0 or avg_score is null)
  )`,
  ...TABLES.map((t) => `create index ${t}_topic_start_idx on ${t} (topic, window_start)`),
];

const down = [...TABLES].reverse().map((t) => `drop table ${t}`);

export const moreMetrics = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
