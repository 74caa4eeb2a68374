/**
 * The constants of VADER (Hutto & Gilbert, "VADER: A Parsimonious Rule-based Model for Sentiment
 * Analysis of Social Media Text", ICWSM 2014), as in the reference implementation
 * (github.com/cjhutto/vaderSentiment, MIT): booster words, negations and the empirically derived
 * increments. Only the numbers and word lists are taken; the scorer is our own.
 */

/** A booster/dampener word adds or removes this much from the following sentiment word. */
export const B_INCR = 0.293;
export const B_DECR = -0.293;
/** An ALL-CAPS sentiment word in mixed-case text gains this much. */
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
  "uber unbelievably unusually utter utterly very super sooo soo sooooo",
].join(" ");
const decr = [
  "almost barely hardly just enough kind of kinda kindof kind-of less little marginal marginally",
  "occasional occasionally partly scarce scarcely slight slightly somewhat sort of sorta sortof sort-of",
].join(" ");

/** Booster words and their scalar (lower-case). */
export const BOOSTERS: ReadonlyMap<string, number> = new Map([
  ...incr.split(" ").map((w): [string, number] => [w, B_INCR]),
  ...decr
    .split(" ")
    .filter((w) => w !== "of")
    .map((w): [string, number] => [w, B_DECR]),
]);

/** Words that negate the sentiment word within three tokens after them (plus any "n't"). */
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

export const isNegation = (lower: string): boolean => NEGATIONS.has(lower) || lower.includes("n't");
