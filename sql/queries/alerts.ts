import type { Kysely } from "kysely";
import type { AlertDetails, AlertKind, AlertOwnColumn, AlertSeverity, Database, Views } from "../database.ts";
import { ALERT_OWN_COLUMNS } from "../generated/tables.ts";
import { checkRange, type RangeQuery } from "./range.ts";

export interface AlertRow {
  windowStart: Date;
  windowEnd: Date;
  topic: string;
  severity: AlertSeverity;
  avgScore: number;
  baselineMean: number;
  baselineSd: number;
  baselineWindows: number;
  drop: number;
  nScored: number;
}

export interface AlertsQuery extends RangeQuery {
  /** Every topic instead of `topic`. */
  allTopics?: boolean;
}

/** Sentiment alerts over a range, newest first (then topic); default limit 100. */
export async function sentimentAlerts(db: Kysely<Database>, q: AlertsQuery): Promise<AlertRow[]> {
  const { topic, limit } = checkRange(q, 100);
  let query = db
    .selectFrom("sentiment_alert")
    .where("window_start", ">=", q.from)
    .where("window_start", "<", q.to);
  if (!q.allTopics) query = query.where("topic", "=", topic);
  const rows = await query
    .selectAll()
    .orderBy("window_start", "desc")
    .orderBy("topic", "asc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    windowStart: r.window_start,
    windowEnd: r.window_end,
    topic: r.topic,
    severity: r.severity,
    avgScore: r.avg_score,
    baselineMean: r.baseline_mean,
    baselineSd: r.baseline_sd,
    baselineWindows: r.baseline_windows,
    drop: r.drop,
    nScored: r.n_scored,
  }));
}

/** One row of the `alerts` view: every kind of alert in one shape. */
export interface AnyAlertRow {
  /** The alert's table: `sentiment_alert`, `volume_alert`. */
  kind: AlertKind;
  windowStart: Date;
  windowEnd: Date;
  topic: string;
  severity: AlertSeverity;
  /** The column the baseline is over, and its value in the window. */
  measure: string;
  value: number;
  baselineMean: number;
  baselineSd: number;
  baselineWindows: number;
  /** The kind's own columns of the view, by their SQL names (`AlertDetails` says which). */
  details: AlertDetails;
}

/** The view's own columns, from the generated list: a new alert spec's columns come with it. */
const OWN = Object.entries(ALERT_OWN_COLUMNS) as [AlertOwnColumn, { kinds: readonly string[] }][];

export interface AnyAlertsQuery extends AlertsQuery {
  /** Only this kind. */
  kind?: AlertKind;
}

/** Every alert of every kind over a range (the `alerts` view), newest first, then topic and kind; default limit 100. */
export async function allAlerts(db: Kysely<Database>, q: AnyAlertsQuery): Promise<AnyAlertRow[]> {
  const { topic, limit } = checkRange(q, 100);
  let query = db
    .withTables<Views>()
    .selectFrom("alerts")
    .where("window_start", ">=", q.from)
    .where("window_start", "<", q.to);
  if (!q.allTopics) query = query.where("topic", "=", topic);
  if (q.kind !== undefined) query = query.where("kind", "=", q.kind);
  const rows = await query
    .selectAll()
    .orderBy("window_start", "desc")
    .orderBy("topic", "asc")
    .orderBy("kind", "asc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    topic: r.topic,
    severity: r.severity,
    measure: r.measure,
    value: r.value,
    baselineMean: r.baseline_mean,
    baselineSd: r.baseline_sd,
    baselineWindows: r.baseline_windows,
    details: Object.fromEntries(OWN.filter(([, o]) => o.kinds.includes(r.kind)).map(([c]) => [c, r[c]])),
  }));
}
