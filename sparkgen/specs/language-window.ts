import { define } from "../spec/define.ts";
import { e } from "./events.ts";

/** docs/contracts.md "More metrics": tweets per language (retweets included), every language kept. */
export const languageWindow = define.metric(import.meta.url, {
  name: "language_window",
  description: "which languages the audience writes in: tweets per language and their share of the topic",
  dimensions: { lang: e.ifNull("lang", "und") },
  measures: { n_tweets: e.count(), share: e.shareOfTopic("n_tweets") },
});
