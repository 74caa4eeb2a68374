import { define } from "../spec/define.ts";
import { e } from "./events.ts";
import { EXPECTED_SENTIMENT, MAIN_CASE } from "./fixtures/main.ts";

const scored = e.isNotNull("sentiment_score");

/** docs/contracts.md "Sentiment": counts, means over scored tweets, and the shares beyond ±0.25. */
export const sentimentWindow = define.aggregate(import.meta.url, {
  name: "sentiment_window",
  description:
    "how the audience feels: tweets, scored tweets, mean score and magnitude, positive/negative shares",
  measures: {
    n_tweets: e.count(),
    n_scored: e.countOf("sentiment_score"),
    avg_score: e.avg("sentiment_score"),
    avg_magnitude: e.avg("sentiment_magnitude", scored),
    pos_share: e.share(e.atLeast("sentiment_score", 0.25), scored),
    neg_share: e.share(e.atMost("sentiment_score", -0.25), scored),
  },
});

/** The main fixture, worked out by hand beside its records (sparkgen/specs/fixtures/main.ts). */
export const sentimentWindowCases = define.cases(import.meta.url, sentimentWindow, [
  { name: "the main fixture, by hand", ...MAIN_CASE, expect: EXPECTED_SENTIMENT },
]);
