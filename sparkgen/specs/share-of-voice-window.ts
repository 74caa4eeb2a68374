import { define } from "../spec/define.ts";
import { e } from "./events.ts";

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
