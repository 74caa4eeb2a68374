import type { Kysely } from "kysely";
import { runStatements } from "./run.ts";

/**
 * Live windows (docs/contracts.md, "Live windows"): what live mode shows of a window before its
 * final commit, in companion tables rather than a column on every result table, so
 *
 * - the result tables, their keys and the generated migrations stay exactly what a batch-only run
 *   writes (a final window is compared row for row with a batch run);
 * - a spec change needs no live twin of its table: a provisional row is the metric's row as JSON,
 *   read back typed with `jsonb_populate_record(NULL::<table>, row)`.
 *
 * `live_window`: one row per window live mode or a final commit touched; `final` is set by the
 * final commit (sparkgen/runtime/trends_step/live_settle.py) in its own transaction, and a refresh
 * locks the row and writes nothing once it is set, so no provisional row outlives its final.
 * `provisional_row`: every metric's rows of an open window, replaced whole by each refresh.
 * `live_alert`: the alerts of open windows, each its alert's generated SQL run on the window so far
 * with `n_tweets` projected to the whole window at its per-minute rate (`rate_scale` = window
 * minutes / `elapsed_minutes`); `row` is the alert's row as that SQL gives it. The final commit
 * turns `provisional` into `confirmed` (a final alert of the same kind, window and topic) or
 * `withdrawn`.
 */
const up = [
  `create table live_window (
    window_start timestamptz primary key,
    window_end timestamptz not null,
    final boolean not null default false,
    events bigint not null default 0,
    refreshed_at timestamptz not null default now(),
    constraint live_window_window_end check (window_end > window_start)
  )`,
  `create table provisional_row (
    metric text not null,
    window_start timestamptz not null references live_window (window_start) on delete cascade,
    window_end timestamptz not null,
    topic text not null,
    row jsonb not null,
    refreshed_at timestamptz not null default now(),
    constraint provisional_row_row check (jsonb_typeof(row) = 'object')
  )`,
  "create index provisional_row_metric_topic on provisional_row (metric, topic, window_start)",
  "create index provisional_row_window on provisional_row (window_start)",
  `create table live_alert (
    kind text not null,
    window_start timestamptz not null references live_window (window_start) on delete cascade,
    window_end timestamptz not null,
    topic text not null,
    state text not null,
    severity text not null,
    elapsed_minutes double precision not null,
    rate_scale double precision not null,
    row jsonb not null,
    first_seen_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    settled_at timestamptz,
    primary key (kind, window_start, topic),
    constraint live_alert_state check (state in ('provisional', 'confirmed', 'withdrawn')),
    constraint live_alert_severity check (severity in ('warning', 'critical')),
    constraint live_alert_elapsed check (elapsed_minutes > 0),
    constraint live_alert_rate_scale check (rate_scale >= 1),
    constraint live_alert_row check (jsonb_typeof(row) = 'object')
  )`,
  "create index live_alert_topic on live_alert (topic, window_start)",
];

const down = ["drop table live_alert", "drop table provisional_row", "drop table live_window"];

/** Tables created here, for grants (sql/readonly.ts). */
export const LIVE_TABLES = ["live_window", "provisional_row", "live_alert"] as const;

export const liveWindows = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
