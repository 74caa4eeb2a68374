import type {
  AnyAlertRow,
  LiveAlertRow,
  MetricResult,
  MetricShape,
  MetricTableInfo,
  ReadBy,
  SentimentAlert,
} from "../sql/index.ts";
import type { RangeQuery } from "./params.ts";

/**
 * What the page shows, as the JSON API returns it. Times are ISO-8601 strings (UTC), so the
 * browser never parses a database-specific format. The server reads these only through
 * `DashboardData`, whose real implementation (dashboard/db-data.ts) calls the typed queries of sql/.
 */
export interface TopicSummary {
  topic: string;
  windows: number;
  first_window: string;
  last_window_end: string;
}

/**
 * A sentiment alert on its window of the timeline: the stored row, `rule` and `threshold` being
 * the bound its severity's level compared against (`max(0.4, 3·baseline_sd)`) and its value.
 */
export type AlertInfo = Omit<SentimentAlert, "window_start" | "window_end" | "topic" | "computed_at">;

export interface SentimentPoint {
  window_start: string;
  window_end: string;
  n_tweets: number;
  n_scored: number;
  avg_score: number | null;
  avg_magnitude: number | null;
  pos_share: number | null;
  neg_share: number | null;
  alert: AlertInfo | null;
}

/** One author over a range: summed components and the summed window scores that rank them. */
export interface InfluencerRow {
  rank: number;
  author_id: string;
  username: string;
  score: number;
  windows: number;
  /** Best (lowest) window rank in the range. */
  best_rank: number;
  tweets: number;
  retweets: number;
  favourites: number;
  followers: number;
  depth: number;
}

export interface WordRow {
  word: string;
  count: number;
}

/**
 * Any alert: a row of the `alerts` view (generated from the alert specs) with ISO times, a trend
 * alert's entity (`dimension`, `entity`), the rule and threshold its severity met, and its kind's
 * own columns in `details` (sql's `AnyAlertRow`, so a new kind's come with it).
 */
export type AlertRow = Omit<AnyAlertRow, "window_start" | "window_end" | "computed_at"> & {
  window_start: string;
  window_end: string;
};

/** A metric of the specs as `/api/metrics` lists it: the page picks its panel from `shape`. */
export interface MetricSummary {
  name: string;
  description: string;
  shape: MetricShape;
  columns: { name: string; type: string }[];
  /** The key besides window and topic (`lang`, `minute`); none for a per-topic metric. */
  dimensions: string[];
  /** How each measure rolls up; a `ratio` over `topic` or `dimensions` is a share (0…1). */
  rollup: MetricTableInfo["rollup"];
}

/** The cloud's words and the query's own keywords (dashboard/keywords.ts), left out or not. */
export interface WordsView {
  words: WordRow[];
  keywords: string[];
}

/** `omit`: the query's own keywords are left out of the words (the page's default). */
export type KeywordsMode = "include" | "omit";

/**
 * The open windows as live mode left them (docs/contracts.md, "Live windows"): never mixed with the
 * finals, every row marked. `alerts`: live alerts in every state (provisional, confirmed, withdrawn).
 */
export interface LiveView {
  alerts: (Omit<
    LiveAlertRow,
    "windowStart" | "windowEnd" | "firstSeenAt" | "updatedAt" | "settledAt" | "elapsedMinutes" | "rateScale"
  > & {
    window_start: string;
    window_end: string;
    elapsed_minutes: number;
    rate_scale: number;
    first_seen_at: string;
    updated_at: string;
    settled_at: string | null;
    provisional: boolean;
  })[];
  /** Provisional `sentiment_window` rows of the open windows, oldest first. */
  sentiment: Record<string, unknown>[];
}

export interface DashboardData {
  /** Throws when the database cannot answer; the server turns that into 503. */
  health(): Promise<void>;
  topics(): Promise<TopicSummary[]>;
  sentiment(q: RangeQuery): Promise<SentimentPoint[]>;
  influencers(q: RangeQuery): Promise<InfluencerRow[]>;
  words(q: RangeQuery & { keywords: KeywordsMode }): Promise<WordsView>;
  alerts(q: RangeQuery): Promise<AlertRow[]>;
  /** Every metric of the specs (the generated catalog). */
  metrics(): MetricSummary[];
  /** One metric read the way its shape says; undefined when there is no metric of that name. */
  metric(
    name: string,
    q: RangeQuery & { by?: ReadBy; allTopics?: boolean },
  ): Promise<MetricResult | undefined>;
  /** The open windows' provisional rows and the live alerts of the range. */
  live(q: RangeQuery): Promise<LiveView>;
  close(): Promise<void>;
}
