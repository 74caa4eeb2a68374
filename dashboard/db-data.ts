import { type Kysely, sql } from "kysely";
import { type AlertSpec, alertBound, alertTableRow } from "../sparkgen/index.ts";
import {
  allAlerts,
  type Database,
  listTopics,
  liveAlerts,
  METRIC_CATALOG,
  type MetricCatalog,
  provisionalRows,
  readMetric,
  sentimentAlerts,
  sentimentTimeline,
  topInfluencers,
  topWords,
} from "../sql/index.ts";
import type { AlertInfo, DashboardData } from "./data.ts";

const iso = (d: Date): string => d.toISOString();

/**
 * The alert specs by table name (`alerts.kind`), for the bound each alert crossed. Loaded on the
 * first alert request, not at start: a spec being edited cannot stop the server, only the alert
 * endpoints (with the spec's one-line problem).
 */
const alertSpecs = async (): Promise<ReadonlyMap<string, AlertSpec>> => {
  const { windowJob } = await import("../sparkgen/specs/index.ts");
  return new Map(windowJob.metrics.filter((m): m is AlertSpec => m.kind === "alert").map((m) => [m.name, m]));
};

/**
 * `DashboardData` over the results database through the typed queries of sql/, reshaped into the
 * API's JSON (snake_case, ISO times). `catalog` lists the metrics `/api/metrics` serves (the
 * generated one; tests add a spec of their own). `close()` destroys the pool.
 */
export function dataFromDb(db: Kysely<Database>, catalog: MetricCatalog = METRIC_CATALOG): DashboardData {
  const sentimentAlertInfo = async (q: Parameters<DashboardData["alerts"]>[0]) => {
    const sentimentAlert = (await alertSpecs()).get("sentiment_alert")!;
    return (await sentimentAlerts(db, q)).map((a) => {
      const row = {
        avg_score: a.avgScore,
        baseline_mean: a.baselineMean,
        baseline_sd: a.baselineSd,
        baseline_windows: a.baselineWindows,
        drop: a.drop,
        n_scored: a.nScored,
      };
      const { rule, value } = alertBound(sentimentAlert, a.severity, row);
      return { window_start: iso(a.windowStart), severity: a.severity, ...row, rule, threshold: value };
    });
  };
  const alerts = async (q: Parameters<DashboardData["alerts"]>[0]) => {
    const specs = await alertSpecs();
    return (await allAlerts(db, q)).map((a) => {
      const baseline = {
        value: a.value,
        baseline_mean: a.baselineMean,
        baseline_sd: a.baselineSd,
        baseline_windows: a.baselineWindows,
      };
      const spec = specs.get(a.kind)!;
      // The bound reads the alert table's columns: the view's, renamed back (sparkgen).
      const row = alertTableRow(spec, { ...a.details, ...baseline });
      const { rule, value } = alertBound(spec, a.severity, row);
      return {
        kind: a.kind,
        topic: a.topic,
        window_start: iso(a.windowStart),
        window_end: iso(a.windowEnd),
        severity: a.severity,
        measure: a.measure,
        ...baseline,
        details: a.details,
        rule,
        threshold: value,
      };
    });
  };
  return {
    health: async () => {
      await sql`select 1`.execute(db);
    },
    // sql's skip scan over the topic index; the page wants ISO strings and snake_case.
    topics: async () =>
      (await listTopics(db)).map((t) => ({
        topic: t.topic,
        windows: t.windows,
        first_window: iso(t.firstWindowStart),
        last_window_end: iso(t.lastWindowEnd),
      })),
    sentiment: async (q) => {
      // The timeline carries the alert's drop and baseline; the full alert rows add the number
      // of baseline windows, which the page shows when it explains a drop.
      const [points, raised] = await Promise.all([
        sentimentTimeline(db, q),
        sentimentAlertInfo({ ...q, limit: 10_000 }),
      ]);
      const byStart = new Map<string, AlertInfo>(raised.map(({ window_start, ...a }) => [window_start, a]));
      return points.map((p) => ({
        window_start: iso(p.windowStart),
        window_end: iso(p.windowEnd),
        n_tweets: p.nTweets,
        n_scored: p.nScored,
        avg_score: p.avgScore,
        avg_magnitude: p.avgMagnitude,
        pos_share: p.posShare,
        neg_share: p.negShare,
        alert: p.alert === null ? null : (byStart.get(iso(p.windowStart)) ?? null),
      }));
    },
    influencers: async (q) =>
      (await topInfluencers(db, q)).map((r) => ({
        rank: r.position,
        author_id: r.authorId,
        username: r.username,
        score: r.score,
        windows: r.windows,
        best_rank: r.bestRank,
        tweets: r.tweets,
        retweets: r.retweets,
        favourites: r.favourites,
        followers: r.followers,
        depth: r.depth,
      })),
    words: (q) => topWords(db, q),
    alerts,
    metrics: () =>
      Object.entries(catalog).map(([name, m]) => ({
        name,
        description: m.description,
        shape: m.shape,
        columns: Object.entries(m.columns).map(([c, t]) => ({ name: c, type: t.type })),
      })),
    metric: async (name, q) => (Object.hasOwn(catalog, name) ? readMetric(db, name, q, catalog) : undefined),
    live: async (q) => {
      const [alerts, sentiment] = await Promise.all([
        liveAlerts(db, q),
        provisionalRows(db, "sentiment_window", q),
      ]);
      return {
        alerts: alerts.map((a) => ({
          kind: a.kind,
          topic: a.topic,
          window_start: iso(a.windowStart),
          window_end: iso(a.windowEnd),
          state: a.state,
          provisional: a.state === "provisional",
          severity: a.severity,
          elapsed_minutes: a.elapsedMinutes,
          rate_scale: a.rateScale,
          row: a.row,
          first_seen_at: iso(a.firstSeenAt),
          updated_at: iso(a.updatedAt),
          settled_at: a.settledAt === null ? null : iso(a.settledAt),
        })),
        sentiment: sentiment.map((r) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? iso(v) : v])),
        ),
      };
    },
    close: () => db.destroy(),
  };
}
