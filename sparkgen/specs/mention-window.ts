import { define } from "../spec/define.ts";
import { e } from "./events.ts";

/** docs/contracts.md "More metrics": the most mentioned accounts in original tweets, quotes and replies. */
export const mentionWindow = define.metric(import.meta.url, {
  name: "mention_window",
  description:
    "who is mentioned: records mentioning each username and their distinct authors, retweets excluded",
  where: e.differsFrom("ref_type", "retweeted"),
  dimensions: { username: e.explode("mentions") },
  measures: { count: e.count(), authors: e.countDistinct("author_id") },
  rank: { top: 50, by: "count" },
});
