import { define } from "../spec/define.ts";
import { e } from "./events.ts";

/** docs/contracts.md "More metrics": tweets per minute inside the window (minutes without tweets have no row). */
export const volumeMinute = define.metric(import.meta.url, {
  name: "volume_minute",
  description: "volume inside the window: tweets, scored tweets and mean score per minute",
  dimensions: { minute: e.bucket("created_at", "1m") },
  measures: {
    n_tweets: e.count(),
    n_scored: e.countOf("sentiment_score"),
    avg_score: e.avg("sentiment_score"),
  },
});
