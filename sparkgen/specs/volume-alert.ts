import { alertMath, baseline } from "../spec/alert-kind.ts";
import { define } from "../spec/define.ts";
import { sentimentWindow } from "./sentiment-window.ts";

const { and, atLeast, div, greatest, plus, times } = alertMath;

/**
 * docs/contracts.md "Volume alert": baseline = the previous 8 windows of the topic that have a
 * sentiment_window row, at least 4; m = mean, sd = sample sd of their n_tweets. Alert when
 * n_tweets(W) ≥ 50 and n_tweets(W) ≥ m + max(3·sd, m); critical when n_tweets(W) ≥ m + max(5·sd, 3·m).
 */
export const volumeAlert = define.alert(import.meta.url, {
  name: "volume_alert",
  description: "a burst of attention: the topic's tweet count spiked against its recent baseline",
  baseline: baseline(sentimentWindow, "n_tweets", 8, { min: 4 }),
  columns: (w, b) => ({
    n_tweets: w.n_tweets,
    baseline_mean: b.mean,
    baseline_sd: b.sd,
    baseline_windows: b.count,
    ratio: div(w.n_tweets, b.mean),
  }),
  levels: (w, b) => ({
    warning: and(
      atLeast(w.n_tweets, 50),
      atLeast(w.n_tweets, plus(b.mean, greatest(times(3, b.sd), b.mean))),
    ),
    critical: atLeast(w.n_tweets, plus(b.mean, greatest(times(5, b.sd), times(3, b.mean)))),
  }),
});
