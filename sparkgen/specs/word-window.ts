import { define } from "../spec/define.ts";
import { e } from "./events.ts";
import { ENGLISH_STOP_WORDS } from "./stop-words.ts";

/** docs/contracts.md "Words": the word cloud, retweets excluded (their text is the original's). */
export const wordWindow = define.words(import.meta.url, {
  name: "word_window",
  description: "which words dominate: the most frequent words of original tweets, quotes and replies",
  text: "text",
  include: e.differsFrom("ref_type", "retweeted"),
  // URLs first (they contain letters and digits), then @mentions.
  drop: ["https?://\\S+", "@\\w+"],
  tokenChars: "\\p{L}\\p{Nd}_#'",
  trimChars: "'",
  minLength: 3,
  notCounted: "#",
  dropNumbers: true,
  stopWords: ENGLISH_STOP_WORDS,
  topN: 100,
});
