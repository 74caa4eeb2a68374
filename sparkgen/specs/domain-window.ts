import { define } from "../spec/define.ts";
import { e } from "./events.ts";
import { MORE } from "./fixtures/more.ts";

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

/*
 * domain_window (originals; host lower-case, www. stripped, port and user info dropped, "not a
 * url" has no host; 2001's two acme.com links count once):
 *   *:    acme.com 2001 alice, 2005 dora → 2 / 2; news.example.org 2002, shop.acme.com 2005,
 *         zeta.io 2004 → 1 / 1 each, by name. (2003's retweet would make acme.com 3.)
 *   acme: acme.com 2001; news.example.org 2002 → 1 / 1 each.
 *   zeta: news.example.org 2002; zeta.io 2004 → 1 / 1 each.
 */
export const domainWindowCases = define.cases(import.meta.url, domainWindow, [
  {
    name: "the More fixture, by hand",
    ...MORE,
    expect: [
      { topic: "*", domain: "acme.com", count: 2, authors: 2, rank: 1 },
      { topic: "*", domain: "news.example.org", count: 1, authors: 1, rank: 2 },
      { topic: "*", domain: "shop.acme.com", count: 1, authors: 1, rank: 3 },
      { topic: "*", domain: "zeta.io", count: 1, authors: 1, rank: 4 },
      { topic: "acme", domain: "acme.com", count: 1, authors: 1, rank: 1 },
      { topic: "acme", domain: "news.example.org", count: 1, authors: 1, rank: 2 },
      { topic: "zeta", domain: "news.example.org", count: 1, authors: 1, rank: 1 },
      { topic: "zeta", domain: "zeta.io", count: 1, authors: 1, rank: 2 },
    ],
  },
]);
