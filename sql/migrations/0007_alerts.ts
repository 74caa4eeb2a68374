import type { Kysely } from "kysely";
import { runStatements } from "./run.ts";

/**
 * The volume alert's table (docs/contracts.md "Volume alert"; columns from sparkgen's
 * `volume_alert` spec) and `alerts`: every alert of every kind in one view, so the CLI, the
 * dashboard and BI tools list them together. `kind` is the alert's table; `measure` names the
 * column its baseline is over and `value` is that column in the window; the kind's own columns
 * are NULL for the other kinds.
 */
const up = [
  `create table volume_alert (
    window_start timestamptz not null,
    window_end timestamptz not null,
    topic text not null,
    severity text not null,
    n_tweets bigint not null,
    baseline_mean double precision not null,
    baseline_sd double precision not null,
    baseline_windows integer not null,
    ratio double precision,
    computed_at timestamptz not null default now(),
    constraint volume_alert_pkey primary key (window_start, topic),
    constraint volume_alert_window check (window_end > window_start),
    constraint volume_alert_severity check (severity in ('warning', 'critical')),
    constraint volume_alert_baseline check (baseline_mean >= 0 and baseline_sd >= 0 and baseline_windows >= 1),
    constraint volume_alert_n_tweets check (n_tweets >= 0)
  )`,
  "create index volume_alert_topic_start_idx on volume_alert (topic, window_start)",
  `create view alerts as
    select 'sentiment_alert'::text as kind, window_start, window_end, topic, severity,
      'avg_score'::text as measure, avg_score as value, baseline_mean, baseline_sd, baseline_windows,
      drop, n_scored, null::double precision as ratio, computed_at
    from sentiment_alert
    union all
    select 'volume_alert', window_start, window_end, topic, severity,
      'n_tweets', n_tweets::double precision, baseline_mean, baseline_sd, baseline_windows,
      null, null, ratio, computed_at
    from volume_alert`,
  `comment on view alerts is 'Every alert, one row per (kind, window, topic): kind = the alert table, value = the window''s measure, its baseline, and the kind''s own columns (drop and n_scored: sentiment; ratio: volume).'`,
];

const down = ["drop view alerts", "drop table volume_alert"];

/** Views created here, for grants (sql/readonly.ts). */
export const ALERT_VIEWS = ["alerts"] as const;

export const alerts = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
