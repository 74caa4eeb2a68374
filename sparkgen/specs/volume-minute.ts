import { define } from "../spec/define.ts";
import { e } from "./events.ts";
import { MORE } from "./fixtures/more.ts";

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

/*
 * volume_minute (every record, by the minute of created_at; minutes without records have no row):
 *   *:    10:00 2001, 2002 → 2, scored 2, avg (0.5 - 0.5)/2 = 0; 10:01 2003 → 1, 1, 0.5;
 *         10:03 2004, 2005 (10:03:59.999) → 2, 1, 0.25; 10:07 2008 → 1, 1, 0;
 *         10:14 2006 (10:14:59.999) → 1, 0, null. No row for 10:02, 10:04–10:06, 10:08–10:13.
 *   acme: 10:00 → 2, 2, 0; 10:01 → 1, 1, 0.5; 10:14 → 1, 0, null.
 *   zeta: 10:00 2002 → 1, 1, -0.5; 10:03 2004 → 1, 0, null.
 */
const t = (hhmm: string) => `2026-11-28T${hhmm}:00.000Z`;
export const volumeMinuteCases = define.cases(import.meta.url, volumeMinute, [
  {
    name: "the More fixture, by hand",
    ...MORE,
    expect: [
      { topic: "*", minute: t("10:00"), n_tweets: 2, n_scored: 2, avg_score: 0 },
      { topic: "*", minute: t("10:01"), n_tweets: 1, n_scored: 1, avg_score: 0.5 },
      { topic: "*", minute: t("10:03"), n_tweets: 2, n_scored: 1, avg_score: 0.25 },
      { topic: "*", minute: t("10:07"), n_tweets: 1, n_scored: 1, avg_score: 0 },
      { topic: "*", minute: t("10:14"), n_tweets: 1, n_scored: 0, avg_score: null },
      { topic: "acme", minute: t("10:00"), n_tweets: 2, n_scored: 2, avg_score: 0 },
      { topic: "acme", minute: t("10:01"), n_tweets: 1, n_scored: 1, avg_score: 0.5 },
      { topic: "acme", minute: t("10:14"), n_tweets: 1, n_scored: 0, avg_score: null },
      { topic: "zeta", minute: t("10:00"), n_tweets: 1, n_scored: 1, avg_score: -0.5 },
      { topic: "zeta", minute: t("10:03"), n_tweets: 1, n_scored: 0, avg_score: null },
    ],
  },
]);
