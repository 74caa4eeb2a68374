import type { Kysely } from "kysely";
import { runStatements } from "./run.ts";

/**
 * The first `alerts` view, written by hand. The generated migration 0011_spec_alerts replaced it
 * with the same view derived from the alert specs (sparkgen/print/alerts-view.ts), which every
 * later alert spec change regenerates; this file stays for databases that applied it.
 *
 * `alerts`: every alert of every kind in one view, so the CLI, the dashboard and BI tools list
 * them together. The alert tables themselves are generated from the specs (sentiment_alert in
 * 0001; volume_alert in generated/0007_spec_volume_alert, which sorts before this file). `kind` is the alert's table; `measure` names the
 * column its baseline is over and `value` is that column in the window; the kind's own columns
 * are NULL for the other kinds.
 */
const up = [
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

// `if exists`: the generated migration that took the view over (0011_spec_alerts) drops it on its way down.
const down = ["drop view if exists alerts"];

/** Views created here, for grants (sql/readonly.ts). */
export const ALERT_VIEWS = ["alerts"] as const;

export const alerts = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
