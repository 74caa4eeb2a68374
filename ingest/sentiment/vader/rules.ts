/**
 * The rule constants and word lists of the reference VADER, vaderSentiment 3.3.2
 * (github.com/cjhutto/vaderSentiment, MIT; Hutto & Gilbert, ICWSM 2014): booster words, negations,
 * special idioms and the empirically derived increments. The lexicons themselves are data loaded
 * from the installed distribution (`lexicon.ts`); these lists live in its code, not in a data file.
 */

/** A booster/dampener word adds or removes this much from the following sentiment word. */
export const B_INCR = 0.293;
export const B_DECR = -0.293;
/** An ALL-CAPS word in mixed-case text gains this much. */
export const C_INCR = 0.733;
/** A negated sentiment word is multiplied by this (flips and weakens it). */
export const N_SCALAR = -0.74;
/** Each `!` (up to 4) adds this in the direction of the text's sentiment. */
export const EXCLAMATION_INCR = 0.292;
/** Compound normalisation constant: x / sqrt(x² + alpha). */
export const ALPHA = 15;

const incr = [
  "absolutely amazingly awfully completely considerable considerably decidedly deeply effing enormous",
  "enormously entirely especially exceptional exceptionally extreme extremely fabulously flipping",
  "flippin frackin fracking fricking frickin frigging friggin fully fuckin fucking fuggin fugging",
  "greatly hella highly hugely incredible incredibly intensely major majorly more most particularly",
  "purely quite really remarkably so substantially thoroughly total totally tremendous tremendously",
  "uber unbelievably unusually utter utterly very",
].join(" ");
const decr = [
  "almost barely hardly less little marginal marginally occasional occasionally partly scarce",
  "scarcely slight slightly somewhat kinda kindof kind-of sorta sortof sort-of",
].join(" ");

/**
 * BOOSTER_DICT: word → scalar. The three two-word entries ("just enough", "kind of", "sort of")
 * never match a single token; the reference adds them when they precede a sentiment word
 * (its `_special_idioms_check`).
 */
export const BOOSTERS: ReadonlyMap<string, number> = new Map([
  ...incr.split(" ").map((w): [string, number] => [w, B_INCR]),
  ...decr.split(" ").map((w): [string, number] => [w, B_DECR]),
  ["just enough", B_DECR],
  ["kind of", B_DECR],
  ["sort of", B_DECR],
]);

/** SPECIAL_CASES: phrases whose valence replaces the computed one (the reference's idioms). */
export const SPECIAL_CASES: ReadonlyMap<string, number> = new Map([
  ["the shit", 3],
  ["the bomb", 3],
  ["bad ass", 1.5],
  ["badass", 1.5],
  ["bus stop", 0.0],
  ["yeah right", -2],
  ["kiss of death", -1.5],
  ["to die for", 3],
  ["beating heart", 3.5],
]);

/** A table of phrases by their words (`a b` → table.get(a)?.get(b)), so looking one up allocates nothing. */
export type PhraseTable = ReadonlyMap<string, ReadonlyMap<string, number>>;

function table2(entries: Iterable<[string, number]>): Map<string, Map<string, number>> {
  const t = new Map<string, Map<string, number>>();
  for (const [k, v] of entries) {
    const [a, b, more] = k.split(" ");
    if (b === undefined || more !== undefined) continue;
    const m = t.get(a!) ?? new Map<string, number>();
    t.set(a!, m.set(b, v));
  }
  return t;
}

function table3(entries: Iterable<[string, number]>): ReadonlyMap<string, PhraseTable> {
  const t = new Map<string, [string, number][]>();
  for (const [k, v] of entries) {
    const [a, b, c, more] = k.split(" ");
    if (c === undefined || more !== undefined) continue;
    t.set(a!, [...(t.get(a!) ?? []), [`${b} ${c}`, v]]);
  }
  return new Map([...t].map(([a, rest]) => [a, table2(rest)]));
}

/** SPECIAL_CASES of two and three words (the one-word `badass` never matches a phrase of tokens). */
export const SPECIAL2: PhraseTable = table2(SPECIAL_CASES);
export const SPECIAL3: ReadonlyMap<string, PhraseTable> = table3(SPECIAL_CASES);
/** BOOSTER_DICT's two- and three-word entries (it has no three-word one today). */
export const BOOST2: PhraseTable = table2(BOOSTERS);
export const BOOST3: ReadonlyMap<string, PhraseTable> = table3(BOOSTERS);

/** Every word of a multi-word idiom or booster: a window without one cannot match any of them. */
export const IDIOM_WORDS: ReadonlySet<string> = new Set(
  [...SPECIAL_CASES.keys(), ...BOOSTERS.keys()].filter((k) => k.includes(" ")).flatMap((k) => k.split(" ")),
);

/** NEGATE: words that negate a sentiment word up to three tokens after them (plus any "n't"). */
export const NEGATIONS: ReadonlySet<string> = new Set(
  [
    "aint arent cannot cant couldnt darent didnt doesnt ain't aren't can't couldn't daren't didn't",
    "doesn't dont hadnt hasnt havent isnt mightnt mustnt neither don't hadn't hasn't haven't isn't",
    "mightn't mustn't neednt needn't never none nope nor not nothing nowhere oughtnt shant shouldnt",
    "uhuh wasnt werent oughtn't shan't shouldn't uh-uh wasn't weren't without wont wouldnt won't",
    "wouldn't rarely seldom despite",
  ]
    .join(" ")
    .split(" "),
);

/** The reference's `negated([word])` for one lower-cased token. */
export const isNegation = (lower: string): boolean => NEGATIONS.has(lower) || lower.includes("n't");
