import { define } from "../spec/define.ts";
import { e } from "./events.ts";
import { MORE } from "./fixtures/more.ts";

/**
 * An emoji, for counting: one code point of the Unicode blocks that hold the emoji people type
 * (Misc Symbols and Dingbats U+2600–27BF, and U+1F300–1FAFF), skin-tone modifiers U+1F3FB–1F3FF
 * left out, so 👍🏽 counts as 👍. Variation selectors are not matched (❤️ counts as ❤), and a ZWJ
 * sequence (👨‍👩‍👧) counts as each of its parts. Java regex: Spark runs it.
 */
const EMOJI = "[\\x{2600}-\\x{27BF}\\x{1F300}-\\x{1F3FA}\\x{1F400}-\\x{1FAFF}]";

/** The emoji of original tweets, quotes and replies: how the audience reacts, in one glance. */
export const emojiWindow = define.metric(import.meta.url, {
  name: "emoji_window",
  description: "which emoji are used: records using each emoji and their distinct authors, retweets excluded",
  where: e.differsFrom("ref_type", "retweeted"),
  dimensions: { emoji: e.matchesOf("text", EMOJI) },
  measures: { count: e.count(), authors: e.countDistinct("author_id") },
  rank: { top: 20, by: "count" },
});

/*
 * emoji_window (originals; one code point of the emoji blocks: 2001's 🔥 twice counts once, ❤️'s
 * variation selector and 👍🏽's skin tone are not emoji of their own, © is not in the blocks):
 *   *:    ❤ 2001 alice, 2005 dora; 🔥 2001 alice, 2002 bob; 😡 2006 alice, 2008 ed → 2 / 2 each;
 *         👍 2004 alice → 1 / 1. The tie at 2 goes by code point: ❤ U+2764, 🔥 U+1F525, 😡 U+1F621.
 *   acme: 🔥 2001 alice, 2002 bob → 2 / 2; ❤ 2001 → 1 / 1; 😡 2006 → 1 / 1 (❤ before 😡).
 *   zeta: 👍 2004 (U+1F44D), 🔥 2002 (U+1F525) → 1 / 1 each.
 */
export const emojiWindowCases = define.cases(import.meta.url, emojiWindow, [
  {
    name: "the More fixture, by hand",
    ...MORE,
    expect: [
      { topic: "*", emoji: "❤", count: 2, authors: 2, rank: 1 },
      { topic: "*", emoji: "🔥", count: 2, authors: 2, rank: 2 },
      { topic: "*", emoji: "😡", count: 2, authors: 2, rank: 3 },
      { topic: "*", emoji: "👍", count: 1, authors: 1, rank: 4 },
      { topic: "acme", emoji: "🔥", count: 2, authors: 2, rank: 1 },
      { topic: "acme", emoji: "❤", count: 1, authors: 1, rank: 2 },
      { topic: "acme", emoji: "😡", count: 1, authors: 1, rank: 3 },
      { topic: "zeta", emoji: "👍", count: 1, authors: 1, rank: 1 },
      { topic: "zeta", emoji: "🔥", count: 1, authors: 1, rank: 2 },
    ],
  },
]);
