import type { Kysely } from "kysely";
import type { AlertSeverity, Database } from "../database.ts";
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
