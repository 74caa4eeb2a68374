import { type Kysely, sql } from "kysely";
import type { Database } from "../database.ts";
import type { AlertsQuery } from "./alerts.ts";
import { metricInfo } from "./metric.ts";
import { checkRange, type RangeQuery } from "./range.ts";

/**
 * Readers of live mode's tables (docs/contracts.md, "Live windows"; the tables:
 * sql/migrations/0016_live_windows.ts). Readers show them only when asked (`--live`, the
 * dashboard's open window), always marked provisional; the result tables stay the final word.
 */

export type LiveAlertState = "provisional" | "confirmed" | "withdrawn";

/** A rate-scaled alert of an open window, or what became of it at the window's final commit. */
export interface LiveAlertRow {
  kind: string;
  windowStart: Date;
  windowEnd: Date;
  topic: string;
  state: LiveAlertState;
  severity: string;
  /** Minutes of the window seen when it was last refreshed. */
  elapsedMinutes: number;
  /** What the window's `n_tweets` was multiplied by: window minutes / elapsed minutes. */
  rateScale: number;
  /** The alert's row as its generated SQL gave it on the rate-scaled window. */
  row: Record<string, unknown>;
  firstSeenAt: Date;
  updatedAt: Date;
  settledAt: Date | null;
}

interface LiveAlertRecord {
  kind: string;
  window_start: Date;
  window_end: Date;
  topic: string;
  state: LiveAlertState;
  severity: string;
  elapsed_minutes: number;
  rate_scale: number;
  row: Record<string, unknown>;
  first_seen_at: Date;
  updated_at: Date;
  settled_at: Date | null;
}

/** Live alerts over a range (every state), newest window first, then topic and kind; default limit 100. */
export async function liveAlerts(db: Kysely<Database>, q: AlertsQuery): Promise<LiveAlertRow[]> {
  const { topic, limit } = checkRange(q, 100);
  const topicFilter = q.allTopics ? sql`true` : sql`topic = ${topic}`;
  const { rows } = await sql<LiveAlertRecord>`
    select kind, window_start, window_end, topic, state, severity, elapsed_minutes, rate_scale, row,
      first_seen_at, updated_at, settled_at
    from live_alert
    where window_start >= ${q.from} and window_start < ${q.to} and ${topicFilter}
    order by window_start desc, topic, kind
    limit ${limit}`.execute(db);
  return rows.map((r) => ({
    kind: r.kind,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    topic: r.topic,
    state: r.state,
    severity: r.severity,
    elapsedMinutes: r.elapsed_minutes,
    rateScale: r.rate_scale,
    row: r.row,
    firstSeenAt: r.first_seen_at,
    updatedAt: r.updated_at,
    settledAt: r.settled_at,
  }));
}

/** A metric's provisional row: the metric's columns as its table types them, marked. */
export type ProvisionalRow = Record<string, unknown> & { provisional: true; refreshed_at: Date };

/**
 * The provisional rows of `metric` for the open windows in the range, typed by the metric's own
 * table (`jsonb_populate_record`), oldest window first; default limit 1,000.
 */
export async function provisionalRows(
  db: Kysely<Database>,
  metric: string,
  q: RangeQuery & { allTopics?: boolean },
): Promise<ProvisionalRow[]> {
  metricInfo(metric); // an unknown name is a usage error listing the metrics
  const { topic, limit } = checkRange(q, 1000);
  const topicFilter = q.allTopics ? sql`true` : sql`p.topic = ${topic}`;
  const table = sql.table(metric);
  const { rows } = await sql<Record<string, unknown>>`
    select (jsonb_populate_record(null::${table}, p.row)).*, p.refreshed_at as refreshed_at
    from provisional_row as p
    where p.metric = ${metric} and p.window_start >= ${q.from} and p.window_start < ${q.to} and ${topicFilter}
    order by p.window_start, p.topic
    limit ${limit}`.execute(db);
  return rows.map((r) => {
    const { computed_at: _, ...rest } = r;
    return { ...rest, provisional: true, refreshed_at: r.refreshed_at as Date };
  });
}
