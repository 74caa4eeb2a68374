import { define } from "../spec/define.ts";
import { e } from "./events.ts";
import { EXPECTED_WORDS, MAIN_CASE } from "./fixtures/main.ts";
import { ENGLISH_STOP_WORDS } from "./stop-words.ts";

/**
 * docs/contracts.md "Words": the word cloud, retweets excluded (their text is the original's).
 * A general metric composed of the library's text operators: `tokens` (lower-cased text, URLs then
 * @mentions blanked, split, trimmed, short and all-digit tokens left out, every occurrence counted)
 * and `without` (the stop words).
 */
export const wordWindow = define.metric(import.meta.url, {
  name: "word_window",
  description: "which words dominate: the most frequent words of original tweets, quotes and replies",
  where: e.differsFrom("ref_type", "retweeted"),
  dimensions: {
    word: e.without(
      e.tokens(e.lower("text"), {
        drop: ["https?://\\S+", "@\\w+"],
        tokenChars: "\\p{L}\\p{Nd}_#'",
        trimChars: "'",
        minLength: 3,
        notCounted: "#",
        dropNumbers: true,
      }),
      ENGLISH_STOP_WORDS,
    ),
  },
  measures: { count: e.count() },
  rank: { top: 100, by: "count" },
});

/** The main fixture, worked out by hand beside its records (sparkgen/specs/fixtures/main.ts). */
export const wordWindowCases = define.cases(import.meta.url, wordWindow, [
  { name: "the main fixture, by hand", ...MAIN_CASE, expect: EXPECTED_WORDS },
]);
