import { define } from "../spec/define.ts";
import { e } from "./events.ts";
import { MORE } from "./fixtures/more.ts";

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

/*
 * hashtag_window (originals; a tag repeated in one record counts once: 2001's acme is 1, not 2):
 *   *:    launch 2001 alice, 2002 bob, 2005 dora → 3 / 3 authors; acme 2001, 2006 (both alice)
 *         → 2 / 1; zeta 2004 alice, 2005 dora → 2 / 2. acme and zeta tie at 2: acme first.
 *         (2003's retweet would make launch 4 and acme 3.)
 *   acme: acme 2001, 2006 → 2 / 1; launch 2001, 2002 → 2 / 2; tie: acme, launch.
 *   zeta: launch 2002 → 1 / 1; zeta 2004 → 1 / 1; tie: launch, zeta.
 */
export const hashtagWindowCases = define.cases(import.meta.url, hashtagWindow, [
  {
    name: "a retweet does not count; a tag twice in one post counts once",
    given: [
      { author_id: "alice", hashtags: ["acme", "acme"] },
      { author_id: "bob", hashtags: ["acme"], ref_type: "retweeted" },
      { author_id: "carol", hashtags: ["launch"], at: "07:30" },
    ],
    where: { topic: "*" },
    expect: [
      { tag: "acme", count: 1, authors: 1, rank: 1 },
      { tag: "launch", count: 1, authors: 1, rank: 2 },
    ],
  },
  {
    name: "the More fixture, by hand",
    ...MORE,
    expect: [
      { topic: "*", tag: "launch", count: 3, authors: 3, rank: 1 },
      { topic: "*", tag: "acme", count: 2, authors: 1, rank: 2 },
      { topic: "*", tag: "zeta", count: 2, authors: 2, rank: 3 },
      { topic: "acme", tag: "acme", count: 2, authors: 1, rank: 1 },
      { topic: "acme", tag: "launch", count: 2, authors: 2, rank: 2 },
      { topic: "zeta", tag: "launch", count: 1, authors: 1, rank: 1 },
      { topic: "zeta", tag: "zeta", count: 1, authors: 1, rank: 2 },
    ],
  },
]);
