import { usageError } from "../runtime/errors/index.ts";
import { windowContaining } from "../runtime/windows/index.ts";
import { CONSTANTS } from "../sparkgen/index.ts";

/**
 * From the sentiment alert's spec: the earlier windows its baseline needs, and the scored tweets a
 * window needs to count in it. The demo needs those windows before the crisis window, plus one
 * spare, so one thin window (a small --tweets) does not leave the crisis without a baseline.
 */
const ALERT_BASELINE = CONSTANTS.metrics.sentiment_alert.baseline;
const MIN_WINDOWS = ALERT_BASELINE.min + 2;
const MIN_SCORED = ALERT_BASELINE.where.right.value;

export interface DemoOptions {
  /** Event time covered by the synthetic stream (whole windows, at least 2 hours by default). */
  minutes: number;
  tweets: number;
  seed: number;
  /** Malformed lines mixed into the stream (counted as bad records, never fatal). */
  corrupt: number;
  topics: readonly string[];
  crisisTopic: string;
  /** Keep the work directory (stream, truth, raw tree) instead of deleting it. */
  keep: boolean;
  /** `x`: synthetic X messages through replay; `bluesky-replay`: the same stream as Jetstream frames. */
  source: "x" | "bluesky-replay";
  /** Live mode: the crisis window is replayed at `pace` × real time while the live application runs. */
  live: boolean;
  pace: number;
}

export const DEMO_DEFAULTS: DemoOptions = {
  minutes: 120,
  tweets: 8_000,
  seed: 42,
  corrupt: 25,
  topics: ["acme", "globex", "initech"],
  crisisTopic: "acme",
  keep: false,
  source: "x",
  live: false,
  pace: 10,
};

export interface DemoSpan {
  start: Date;
  end: Date;
  /** The crisis starts with the last window, so exactly one window of one topic must alert. */
  crisisAt: Date;
  windows: number;
}

/**
 * The demo's event time: whole windows ending before now − lateness, so every window is due
 * when the stream has been ingested. The crisis begins at the start of the last window: the
 * alert baseline needs its earlier windows (MIN_WINDOWS), and one crisis window makes one alert.
 */
export function demoSpan(
  o: DemoOptions,
  now: Date,
  windowMinutes: number,
  latenessMinutes: number,
): DemoSpan {
  const windows = o.minutes / windowMinutes;
  if (!Number.isInteger(windows) || windows < MIN_WINDOWS) {
    throw usageError(
      `--minutes ${o.minutes} must be a multiple of ${windowMinutes} covering at least ${MIN_WINDOWS} windows`,
      `pass e.g. --minutes ${8 * windowMinutes}`,
    );
  }
  if (!Number.isInteger(o.tweets) || o.tweets < windows * 100) {
    throw usageError(
      `--tweets ${o.tweets} is too few for ${windows} windows (alerts need ${MIN_SCORED} scored tweets per topic and window)`,
      `pass at least --tweets ${windows * 100}`,
    );
  }
  const end = windowContaining(new Date(now.getTime() - (latenessMinutes + 1) * 60_000), windowMinutes).start;
  const start = new Date(end.getTime() - o.minutes * 60_000);
  const crisisAt = new Date(end.getTime() - windowMinutes * 60_000);
  return { start, end, crisisAt, windows };
}
