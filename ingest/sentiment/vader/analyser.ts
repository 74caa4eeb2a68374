import type { Sentiment, SentimentAnalyser } from "../../types.ts";
import { defaultLexicon, type Lexicon } from "./lexicon.ts";
import { VaderScorer } from "./scorer.ts";

export interface VaderOptions {
  /** Replace the shipped lexicon (tests, or a domain-specific one parsed with `parseLexicon`). */
  lexicon?: Lexicon;
}

/**
 * The offline analyser: scores every text (never null), whatever its language — words it does not
 * know count as neutral, so non-English texts mostly score 0 unless they carry emoji.
 *
 * @example await createVaderAnalyser().analyse([{ text: "I love it 😍", lang: "en" }])
 */
export function createVaderAnalyser(options: VaderOptions = {}): SentimentAnalyser & {
  scoreText(text: string): Sentiment;
} {
  const scorer = new VaderScorer(options.lexicon ?? defaultLexicon());
  return {
    name: "vader",
    scoreText: (text) => scorer.score(text),
    analyse: async (items) => items.map((it) => scorer.score(it.text)),
  };
}
