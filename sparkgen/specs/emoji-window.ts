import { define } from "../spec/define.ts";
import { e } from "./events.ts";

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
