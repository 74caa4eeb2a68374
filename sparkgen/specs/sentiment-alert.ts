import { alertMath, baseline } from "../spec/alert-kind.ts";
import { define } from "../spec/define.ts";
import { sentimentWindow } from "./sentiment-window.ts";

const { and, atLeast, greatest, minus, times } = alertMath;

/** Both the window and each baseline window need at least this many scored tweets. */
const MIN_SCORED = 20;

/**
 * docs/contracts.md "Sentiment alert": baseline = the previous 8 windows of the topic with
 * n_scored ≥ 20, at least 4; drop = mean − avg_score(W); alert when n_scored(W) ≥ 20 and
 * drop ≥ max(0.2, 2·sd); critical when drop ≥ max(0.4, 3·sd).
 */
export const sentimentAlert = define.alert(import.meta.url, {
  name: "sentiment_alert",
  description: "a possible PR crisis: the mean sentiment dropped against the topic's recent baseline",
  baseline: baseline(sentimentWindow, "avg_score", 8, {
    min: 4,
    where: (w) => atLeast(w.n_scored, MIN_SCORED),
  }),
  columns: (w, b) => ({
    avg_score: w.avg_score,
    baseline_mean: b.mean,
    baseline_sd: b.sd,
    baseline_windows: b.count,
    drop: minus(b.mean, w.avg_score),
    n_scored: w.n_scored,
  }),
  levels: (w, _b, out) => ({
    warning: and(
      atLeast(w.n_scored, MIN_SCORED),
      atLeast(out.drop, greatest(0.2, times(2, out.baseline_sd))),
    ),
    critical: atLeast(out.drop, greatest(0.4, times(3, out.baseline_sd))),
  }),
});

/*
 * sentiment_alert, by hand (windows 0 … 8 = W-8 … W; every topic's tweets in a window share one
 * score, so its avg_score is that score):
 *
 *   topic  W-8   W-7   W-6   W-5   W-4   W-3   W-2   W-1  | W
 *   crit   .375  .625  .375  .625  .375  .625  .375  .625 | 0     n=20  → critical
 *   warn   .375  .625  .375  .625  .375  .625  .375  .625 | .125  n=20  → warning
 *   few    .375  .625  .375  .625  .375  .625  .375  .625 | 0     n=19  → none: n_scored < 20
 *   small  .25   .75   .25   .75   .25   .75   .25   .75  | 0     n=20  → none: drop < 2·sd
 *   calm   .5 in every window                              | .375  n=20  → none: drop < 0.2
 *   late   .5 with n_scored 19,19,19,19,20,20,20,20       | .125  n=20  → warning with 4 windows
 *   n_scored 20 unless stated.
 *
 * crit/warn/few baseline: mean 0.5, deviations ±0.125 → sd = √(8·0.015625/7) = 0.133631;
 *   crit: drop 0.5 ≥ max(0.4, 3·sd = 0.400892) → critical.
 *   warn: drop 0.375 ≥ max(0.2, 2·sd = 0.267261), < 0.400892 → warning.
 * small: mean 0.5, deviations ±0.25 → sd = √(0.5/7) = 0.267261, 2·sd = 0.534522 > drop 0.5 → none.
 * calm: sd 0, drop 0.125 < 0.2 → none.
 * late: only W-4 … W-1 have n_scored ≥ 20 → 4 windows, mean 0.5, sd 0, drop 0.375 → warning.
 * *: every topic's tweets (no tweet has two topics). Even windows 47/119 while late has 19 tweets
 *   (3·20·.375 + 20·.25 + 20·.5 + 19·.5 = 47), then 47.5/120; odd ones 72/119, then 72.5/120: each
 *   pair sums to 1, so mean 0.5; deviations ±25/238 (four windows) and ±5/48 (four) → sd =
 *   0.111828, 2·sd = 0.223655, 3·sd = 0.335483. W: 119 tweets, Σ = 20·.125 + 20·.375 + 20·.125 =
 *   12.5 → avg 0.105042, drop 0.394958 ≥ max(0.2, 2·sd), < max(0.4, 3·sd) → warning.
 * Windows before W: no drop reaches its threshold (at most 0.25 against 2·sd ≥ 0.54 for small; the
 *   others at most 0.125), and late has fewer than 4 baseline windows until W.
 */
const BASELINE: Record<string, readonly number[]> = {
  crit: [0.375, 0.625, 0.375, 0.625, 0.375, 0.625, 0.375, 0.625, 0],
  warn: [0.375, 0.625, 0.375, 0.625, 0.375, 0.625, 0.375, 0.625, 0.125],
  few: [0.375, 0.625, 0.375, 0.625, 0.375, 0.625, 0.375, 0.625, 0],
  small: [0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0],
  calm: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.375],
  late: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.125],
};
/** Scored tweets per topic and window where it is not 20. */
const SCORED: Record<string, Record<number, number>> = {
  few: { 8: 19 },
  late: { 0: 19, 1: 19, 2: 19, 3: 19 },
};
const SD8 = Math.sqrt(0.125 / 7);
const SD_ALL = Math.sqrt((4 * (25 / 238) ** 2 + 4 * (5 / 48) ** 2) / 7);
const alertIn = (topic: string, severity: string, avg: number, sd: number, windows: number, n = 20) => ({
  topic,
  severity,
  avg_score: avg,
  baseline_mean: 0.5,
  baseline_sd: sd,
  baseline_windows: windows,
  drop: 0.5 - avg,
  n_scored: n,
});

export const sentimentAlertCases = define.cases(import.meta.url, sentimentAlert, [
  {
    name: "drops against each topic's baseline, by hand",
    windows: 9,
    given: Object.entries(BASELINE).flatMap(([topic, scores]) =>
      scores.flatMap((score, window) =>
        Array.from({ length: SCORED[topic]?.[window] ?? 20 }, (_, i) => ({
          window,
          at: `01:${String(i).padStart(2, "0")}`,
          rules: [topic],
          sentiment_score: score,
          sentiment_magnitude: 0.5,
        })),
      ),
    ),
    expect: [
      alertIn("*", "warning", 12.5 / 119, SD_ALL, 8, 119),
      alertIn("crit", "critical", 0, SD8, 8),
      alertIn("late", "warning", 0.125, 0, 4),
      alertIn("warn", "warning", 0.125, SD8, 8),
    ],
  },
]);
