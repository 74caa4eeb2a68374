export { createVaderAnalyser, type VaderOptions } from "./analyser.ts";
export { defaultLexicon, type Lexicon, parseLexicon } from "./lexicon.ts";
export { VaderScorer } from "./scorer.ts";
