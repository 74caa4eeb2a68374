import { type Kysely, sql } from "kysely";
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
import { keywordsOf, type TopicRule } from "./keywords.ts";

const iso = (d: Date): string => d.toISOString();

/**
 * `DashboardData` over the results database through the typed queries of sql/, reshaped into the
 * API's JSON (ISO times; columns under their SQL names, as the generated row types have them).
 * `catalog` lists the metrics `/api/metrics` serves (the generated one; tests add a spec of their
 * own). `rules`: the topics' rules where known (a local rules file), for the query's keywords the
 * word cloud leaves out; a topic without one has its tag as keyword. `close()` destroys the pool.
 */
export function dataFromDb(
  db: Kysely<Database>,
  catalog: MetricCatalog = METRIC_CATALOG,
  rules: readonly TopicRule[] = [],
): DashboardData {
  /** The query's keywords of `topic`; for `*`, every tracked topic's (those with windows, and the rules'). */
  const keywords = async (topic: string) => {
    if (topic !== "*") return keywordsOf(topic, rules);
    const tags = (await listTopics(db)).map((t) => t.topic).filter((t) => t !== "*");
    return keywordsOf("*", [
      ...rules,
      ...tags.filter((t) => !rules.some((r) => r.tag === t)).map((tag) => ({ tag })),
    ]);
  };
  const sentimentAlertInfo = async (q: Parameters<DashboardData["alerts"]>[0]) =>
    (await sentimentAlerts(db, q)).map(
      ({ window_start, window_end: _e, topic: _t, computed_at: _c, ...a }) => ({
        window_start: iso(window_start),
        ...a,
      }),
    );
  const alerts = async (q: Parameters<DashboardData["alerts"]>[0]) =>
    (await allAlerts(db, q)).map(({ window_start, window_end, computed_at: _c, ...a }) => ({
      ...a,
      window_start: iso(window_start),
      window_end: iso(window_end),
    }));
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
    words: async (q) => {
      const own = await keywords(q.topic);
      const words = await topWords(db, { ...q, ...(q.keywords === "omit" ? { exclude: own } : {}) });
      return { words, keywords: own };
    },
    alerts,
    metrics: () =>
      Object.entries(catalog).map(([name, m]) => ({
        name,
        description: m.description,
        shape: m.shape,
        columns: Object.entries(m.columns).map(([c, t]) => ({ name: c, type: t.type })),
        dimensions: m.primaryKey.filter((k) => k !== "window_start" && k !== "topic"),
        rollup: m.rollup,
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
