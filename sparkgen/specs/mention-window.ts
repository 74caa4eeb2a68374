import { define } from "../spec/define.ts";
import { e } from "./events.ts";
import { MORE } from "./fixtures/more.ts";

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

/*
 * mention_window (originals; 2002 mentions alice twice → once; 2004's empty list and the absent
 * lists add nothing):
 *   *:    bob 2001, 2002, 2005 → 3 / 3; alice 2002 → 1 / 1.
 *   acme: bob 2001, 2002 → 2 / 2; alice 2002 → 1 / 1.
 *   zeta: alice 2002 → 1 / 1; bob 2002 → 1 / 1; tie: alice, bob.
 */
export const mentionWindowCases = define.cases(import.meta.url, mentionWindow, [
  {
    name: "the More fixture, by hand",
    ...MORE,
    expect: [
      { topic: "*", username: "bob", count: 3, authors: 3, rank: 1 },
      { topic: "*", username: "alice", count: 1, authors: 1, rank: 2 },
      { topic: "acme", username: "bob", count: 2, authors: 2, rank: 1 },
      { topic: "acme", username: "alice", count: 1, authors: 1, rank: 2 },
      { topic: "zeta", username: "alice", count: 1, authors: 1, rank: 1 },
      { topic: "zeta", username: "bob", count: 1, authors: 1, rank: 2 },
    ],
  },
]);
