import { define } from "../spec/define.ts";
import { e } from "./events.ts";

/** docs/contracts.md "More metrics": the most linked web sites (URL host, lower-case, no `www.`). */
export const domainWindow = define.metric(import.meta.url, {
  name: "domain_window",
  description:
    "which sites are linked: records linking each domain and their distinct authors, retweets excluded",
  where: e.differsFrom("ref_type", "retweeted"),
  dimensions: { domain: e.hostOf(e.explode("urls")) },
  measures: { count: e.count(), authors: e.countDistinct("author_id") },
  rank: { top: 50, by: "count" },
});
