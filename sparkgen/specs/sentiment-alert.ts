import { define } from "../spec/define.ts";
import { sentimentWindow } from "./sentiment-window.ts";

/** docs/contracts.md "Sentiment alert": a drop of the mean score against the previous windows of the topic. */
export const sentimentAlert = define.alert(import.meta.url, {
  name: "sentiment_alert",
  description: "a possible PR crisis: the mean sentiment dropped against the topic's recent baseline",
  from: sentimentWindow,
  score: "avg_score",
  scored: "n_scored",
  minScored: 20,
  baselineWindows: 8,
  minBaselineWindows: 4,
  warning: { minDrop: 0.2, sdFactor: 2 },
  critical: { minDrop: 0.4, sdFactor: 3 },
});
