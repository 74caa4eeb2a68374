import { define } from "../spec/define.ts";
import { e } from "./events.ts";
import { MORE } from "./fixtures/more.ts";

/** docs/contracts.md "More metrics": tweets per language (retweets included), every language kept. */
export const languageWindow = define.metric(import.meta.url, {
  name: "language_window",
  description: "which languages the audience writes in: tweets per language and their share of the topic",
  dimensions: { lang: e.ifNull("lang", "und") },
  measures: { n_tweets: e.count(), share: e.shareOfTopic("n_tweets") },
});

/*
 * language_window (every record, retweets included; null lang → und):
 *   * (7):    en 2001, 2002, 2003 → 3/7; und 2004, 2006 → 2/7; es 2005 → 1/7; fr 2008 → 1/7.
 *   acme (4): en 2001, 2002, 2003 → 3/4; und 2006 → 1/4.
 *   zeta (2): en 2002 → 1/2; und 2004 → 1/2.
 */
export const languageWindowCases = define.cases(import.meta.url, languageWindow, [
  {
    name: "the More fixture, by hand",
    ...MORE,
    expect: [
      { topic: "*", lang: "en", n_tweets: 3, share: 3 / 7 },
      { topic: "*", lang: "es", n_tweets: 1, share: 1 / 7 },
      { topic: "*", lang: "fr", n_tweets: 1, share: 1 / 7 },
      { topic: "*", lang: "und", n_tweets: 2, share: 2 / 7 },
      { topic: "acme", lang: "en", n_tweets: 3, share: 0.75 },
      { topic: "acme", lang: "und", n_tweets: 1, share: 0.25 },
      { topic: "zeta", lang: "en", n_tweets: 1, share: 0.5 },
      { topic: "zeta", lang: "und", n_tweets: 1, share: 0.5 },
    ],
  },
]);
