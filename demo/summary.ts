import type { Kysely } from "kysely";
import type { SynthTruth } from "../ingest/index.ts";
import {
  type AnyAlertRow,
  allAlerts,
  type Database,
  type InfluencerRanking,
  type LiveAlertRow,
  readMetric,
  type SentimentAlert,
  type SentimentPoint,
  sentimentAlerts,
  sentimentTimeline,
  topInfluencers,
} from "../sql/index.ts";
import type { DemoOptions, DemoSpan } from "./span.ts";

export interface DemoSummary {
  /** Top 5 authors per topic over the demo's range (topic `*` first). */
  influencers: Record<string, InfluencerRanking[]>;
  /** Sentiment per window of the crisis topic. */
  sentiment: SentimentPoint[];
  /** Every sentiment alert of the range, all topics. */
  alerts: SentimentAlert[];
  /** Every trending hashtag alert of the range, all topics (the tag is its `entity`). */
  trending: AnyAlertRow[];
  /** The most used hashtags of topic `*` over the range (hashtag_window), most records first. */
  hashtags: { tag: string; count: number }[];
  /** Tweets counted in topic `*` over all windows (= events ingested − malformed − duplicates). */
  tweets: number;
}

/** Hashtags the summary names. */
const TOP_HASHTAGS = 5;
/** Trending hashtag alerts the summary reads (newest first). */
const TRENDING = 20;

export async function summarise(
  db: Kysely<Database>,
  span: DemoSpan,
  o: DemoOptions,
  truth: SynthTruth,
): Promise<DemoSummary> {
  const range = { from: span.start, to: span.end };
  const influencers: Record<string, InfluencerRanking[]> = {};
  for (const topic of ["*", ...truth.topics]) {
    influencers[topic] = await topInfluencers(db, { ...range, topic, limit: 5 });
  }
  const all = await sentimentTimeline(db, { ...range, topic: "*" });
  const tags = await readMetric(db, "hashtag_window", { ...range, topic: "*", limit: TOP_HASHTAGS });
  return {
    influencers,
    hashtags: tags.rows.map((r) => ({ tag: String(r.tag), count: Number(r.count) })),
    sentiment: await sentimentTimeline(db, { ...range, topic: o.crisisTopic }),
    alerts: await sentimentAlerts(db, { ...range, allTopics: true }),
    trending: await allAlerts(db, {
      ...range,
      allTopics: true,
      kind: "trending_hashtag_alert",
      limit: TRENDING,
    }),
    tweets: all.reduce((n, p) => n + p.nTweets, 0),
  };
}

const hhmm = (d: Date): string => d.toISOString().slice(11, 16);
const fixed = (v: number | null, digits = 3): string => (v === null ? "–" : v.toFixed(digits));

/** The summary as the terminal shows it. */
export function formatSummary(s: DemoSummary, crisisTopic: string): string {
  const out: string[] = [];
  for (const [topic, rows] of Object.entries(s.influencers)) {
    out.push(`Top influencers — topic ${topic}`);
    out.push("  #  author              score   retweets  favourites  followers  depth");
    for (const r of rows) {
      out.push(
        `  ${String(r.position).padStart(1)}  ${`@${r.username}`.padEnd(18).slice(0, 18)}  ${r.score.toFixed(2).padStart(6)}  ${String(r.retweets).padStart(8)}  ${String(r.favourites).padStart(10)}  ${String(r.followers).padStart(9)}  ${String(r.depth).padStart(5)}`,
      );
    }
    out.push("");
  }
  out.push(
    `Top hashtags — topic *: ${s.hashtags.length ? s.hashtags.map((h) => `#${h.tag} ${h.count}`).join(" · ") : "none"}`,
    "",
  );
  out.push(`Sentiment per window — topic ${crisisTopic}`);
  out.push("  window  tweets  scored  avg score  pos share  neg share  alert");
  for (const p of s.sentiment) {
    const alert = p.alert
      ? `${p.alert.severity.toUpperCase()} (drop ${p.alert.drop.toFixed(2)} from ${p.alert.baselineMean.toFixed(2)})`
      : "";
    out.push(
      `  ${hhmm(p.windowStart)}   ${String(p.nTweets).padStart(6)}  ${String(p.nScored).padStart(6)}  ${fixed(p.avgScore).padStart(9)}  ${fixed(p.posShare, 2).padStart(9)}  ${fixed(p.negShare, 2).padStart(9)}  ${alert}`,
    );
  }
  out.push("");
  if (s.alerts.length === 0) out.push("Alerts: none");
  for (const a of s.alerts) {
    out.push(
      `ALERT ${a.severity} — topic ${a.topic}, window ${a.window_start.toISOString()}: average sentiment ${a.avg_score.toFixed(2)} vs a baseline of ${a.baseline_mean.toFixed(2)} (sd ${a.baseline_sd.toFixed(2)}, ${a.baseline_windows} windows), a drop of ${a.drop.toFixed(2)} over ${a.n_scored} scored tweets`,
    );
  }
  if (s.trending.length === 0) out.push("Trending hashtags: none");
  for (const a of s.trending) {
    const against = a.details.new
      ? `new (no post with it in the previous ${a.baseline_windows} windows)`
      : `vs a baseline mean of ${a.baseline_mean.toFixed(1)} over ${a.baseline_windows} windows`;
    out.push(
      `TRENDING ${a.severity} — #${a.entity} in topic ${a.topic}, window ${a.window_start.toISOString()}: ${a.value} posts, ${against}`,
    );
  }
  return out.join("\n");
}

/** A live alert on one line: its state first (PROVISIONAL, then CONFIRMED or WITHDRAWN). */
export function liveAlertLine(a: LiveAlertRow): string {
  const what = a.kind.replace(/_alert$/, "");
  return `${a.state.toUpperCase()} ${what} alert ${a.severity} — topic ${a.topic}, window ${hhmm(a.windowStart)}–${hhmm(a.windowEnd)}: ${a.elapsedMinutes.toFixed(1)} of ${Math.round((a.windowEnd.getTime() - a.windowStart.getTime()) / 60_000)} min seen`;
}
