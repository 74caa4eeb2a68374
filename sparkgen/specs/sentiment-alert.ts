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
