export { createVaderAnalyser, type VaderAnalyser, type VaderOptions, vaderScores } from "./analyser.ts";
export {
  defaultLexicons,
  loadVaderLexicons,
  parseEmojiLexicon,
  parseWordLexicon,
  type VaderLexicons,
} from "./lexicon.ts";
export { VaderScorer } from "./scorer.ts";
