import type { Kysely } from "kysely";
import type { AlertSeverity, Database } from "../database.ts";
import { checkRange, type RangeQuery } from "./range.ts";

export interface SentimentPoint {
  windowStart: Date;
  windowEnd: Date;
  nTweets: number;
  nScored: number;
  /** null when no tweet of the window was scored. */
  avgScore: number | null;
  avgMagnitude: number | null;
  posShare: number | null;
  negShare: number | null;
  /** The window's sentiment alert, if one was raised. */
  alert: { severity: AlertSeverity; drop: number; baselineMean: number; baselineSd: number } | null;
}

/**
 * The sentiment timeline of a topic: one point per stored window, oldest first. With more windows
 * than `limit` (default 10,000) in the range, the latest `limit` are returned.
 */
export async function sentimentTimeline(db: Kysely<Database>, q: RangeQuery): Promise<SentimentPoint[]> {
  const { topic, limit } = checkRange(q, 10_000);
  const rows = await db
    .selectFrom("sentiment_window as s")
    .leftJoin("sentiment_alert as a", (j) =>
      j.onRef("a.window_start", "=", "s.window_start").onRef("a.topic", "=", "s.topic"),
    )
    .where("s.topic", "=", topic)
    .where("s.window_start", ">=", q.from)
    .where("s.window_start", "<", q.to)
    .select([
      "s.window_start",
      "s.window_end",
      "s.n_tweets",
      "s.n_scored",
      "s.avg_score",
      "s.avg_magnitude",
      "s.pos_share",
      "s.neg_share",
      "a.severity",
      "a.drop",
      "a.baseline_mean",
      "a.baseline_sd",
    ])
    .orderBy("s.window_start", "desc")
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({
    windowStart: r.window_start,
    windowEnd: r.window_end,
    nTweets: r.n_tweets,
    nScored: r.n_scored,
    avgScore: r.avg_score,
    avgMagnitude: r.avg_magnitude,
    posShare: r.pos_share,
    negShare: r.neg_share,
    alert:
      r.severity === null
        ? null
        : { severity: r.severity, drop: r.drop!, baselineMean: r.baseline_mean!, baselineSd: r.baseline_sd! },
  }));
}
