import { define } from "../spec/define.ts";
import { e } from "./events.ts";
import { MORE } from "./fixtures/more.ts";

/** docs/contracts.md "More metrics": each tracked topic's tweets against all tweets and all tracked topics. */
export const shareOfVoiceWindow = define.metric(import.meta.url, {
  name: "share_of_voice_window",
  description:
    "share of voice: each tracked topic's tweets as a share of all tweets and of the tracked topics' tweets",
  topics: "tracked",
  dimensions: {},
  measures: {
    n_tweets: e.count(),
    share_of_all: e.shareOfAll("n_tweets"),
    share_of_tracked: e.shareOfTracked("n_tweets"),
  },
});

/*
 * share_of_voice_window (every record; no row for *): n(*) = 7; tracked total = n(acme) + n(zeta)
 * = 4 + 2 = 6 (2002 counts in both).
 *   acme: 4, 4/7 = 0.571428571, 4/6 = 0.666666667;  zeta: 2, 2/7 = 0.285714286, 2/6 = 0.333333333.
 */
export const shareOfVoiceWindowCases = define.cases(import.meta.url, shareOfVoiceWindow, [
  {
    name: "the More fixture, by hand",
    ...MORE,
    expect: [
      { topic: "acme", n_tweets: 4, share_of_all: 4 / 7, share_of_tracked: 4 / 6 },
      { topic: "zeta", n_tweets: 2, share_of_all: 2 / 7, share_of_tracked: 2 / 6 },
    ],
  },
]);
