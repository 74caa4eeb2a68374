import { define } from "../spec/define.ts";
import { e } from "./events.ts";

/** docs/contracts.md "More metrics": the top hashtags of original tweets, quotes and replies. */
export const hashtagWindow = define.metric(import.meta.url, {
  name: "hashtag_window",
  description:
    "which hashtags are used: records using each tag and their distinct authors, retweets excluded",
  where: e.differsFrom("ref_type", "retweeted"),
  dimensions: { tag: e.explode("hashtags") },
  measures: { count: e.count(), authors: e.countDistinct("author_id") },
  rank: { top: 50, by: "count" },
});
