import type { Sentiment, SentimentAnalyser } from "../../types.ts";
import { defaultLexicons, type VaderLexicons } from "./lexicon.ts";
import { VaderScorer } from "./scorer.ts";

export interface VaderOptions {
  /** The lexicons; default: the installed vaderSentiment's, from `cacheDir`. */
  lexicons?: VaderLexicons;
  /** Where `trends setup` installed vaderSentiment (default: the configured cache directory). */
  cacheDir?: string;
  /**
   * Scores the texts whose language is known and not English (`--sentiment vader` passes Google
   * NL when it is configured). Without it they are left unscored: VADER's lexicon is English, and
   * a French text scored as neutral English would pull the averages toward 0.
   */
  otherLanguages?: SentimentAnalyser;
}

export interface VaderAnalyser extends SentimentAnalyser {
  /** The scorer alone, whatever the language (benchmarks, tests). */
  scoreText(text: string): Sentiment;
  /** Texts left unscored because their language is not English and no other analyser took them. */
  skippedLanguage(): number;
}

/** X's "undetermined" style tags: the language is unknown, so the text is scored as English. */
const UNKNOWN = new Set(["", "und", "zxx", "qme", "qam", "qct", "qht", "qst", "art"]);

/** English or unknown: what VADER scores. */
export const vaderScores = (lang: string | null): boolean =>
  lang === null || UNKNOWN.has(lang) || lang === "en" || lang.toLowerCase().startsWith("en-");

/**
 * The offline analyser: VADER (vaderSentiment 3.3.2's rules and lexicons) for English texts and
 * texts of unknown language; texts in another known language go to `otherLanguages` or stay null.
 *
 * @example await createVaderAnalyser().analyse([{ text: "I love it 😍", lang: "en" }])
 */
export function createVaderAnalyser(options: VaderOptions = {}): VaderAnalyser {
  const scorer = new VaderScorer(options.lexicons ?? defaultLexicons(options.cacheDir));
  const other = options.otherLanguages;
  let skipped = 0;
  return {
    name: "vader",
    scoreText: (text) => scorer.score(text),
    skippedLanguage: () => skipped,
    async analyse(items) {
      const out: (Sentiment | null)[] = new Array(items.length);
      const foreign: number[] = [];
      for (let i = 0; i < items.length; i++) {
        const it = items[i]!;
        if (vaderScores(it.lang)) out[i] = scorer.score(it.text);
        else foreign.push(i);
      }
      if (foreign.length === 0) return out;
      if (!other) {
        skipped += foreign.length;
        for (const i of foreign) out[i] = null;
        return out;
      }
      const scored = await other.analyse(foreign.map((i) => items[i]!));
      foreign.forEach((i, k) => {
        const s = scored[k] ?? null;
        out[i] = s && { ...s, source: other.name };
      });
      return out;
    },
    close: async () => {
      await other?.close?.();
    },
  };
}
