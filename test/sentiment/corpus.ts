import { createNormaliser, SynthStream } from "../../ingest/index.ts";
import { Rng } from "../../ingest/sources/synth/index.ts";

/**
 * The agreement corpus: the synthetic generator's texts (what the demo scores) plus sentences
 * built combinatorially from parts that exercise every rule of VADER — boosters and dampeners,
 * negations (n't, never so/this, without doubt, no/nor), least, but, kind of, idioms, ALL CAPS,
 * `!`/`?` runs, emoticons, emoji (glued, repeated, with skin tones and variation selectors),
 * slang, URLs, mentions, hashtags and non-ASCII letters. Seeded: the same corpus every run.
 */
export function agreementCorpus(o: { synth: number; built: number }): string[] {
  return [...synthTexts(o.synth), ...builtTexts(o.built)];
}

function synthTexts(n: number): string[] {
  const normalise = createNormaliser();
  const out: string[] = [];
  for (const line of new SynthStream({
    tweets: n,
    seed: "vader-agreement",
    start: new Date("2026-11-26T04:00:00Z"),
    minutes: 60,
  }).lines()) {
    const r = normalise(line);
    if (r.ok && r.record.text) out.push(r.record.text);
  }
  return out;
}

const SUBJECTS = [
  "the new phone",
  "@acme",
  "their support team",
  "this update",
  "my order",
  "Acme's app",
  "the keynote",
  "customer service",
  "the battery",
  "it",
  "this",
  "the food here",
  "the movie",
  "Zoë's café",
  "@Acme_Help",
  "the delivery guy",
  "their CEO",
  "the price",
  "the plot",
  "#AcmeFail",
  "my refund",
];
const VERBS = ["is", "was", "seems", "looks", "feels", "has been", "will be", "isn't", "wasn't", "is never"];
const MODIFIERS = [
  "",
  "",
  "",
  "very",
  "not",
  "not very",
  "never",
  "never so",
  "never this",
  "kind of",
  "sort of",
  "kinda",
  "least",
  "at least",
  "the least",
  "hardly",
  "extremely",
  "so",
  "this",
  "no",
  "really really",
  "totally",
  "slightly",
  "without a doubt",
  "somewhat",
  "friggin",
  "uber",
  "just enough",
  "barely",
  "nor",
];
const WORDS = [
  "good",
  "bad",
  "great",
  "terrible",
  "awesome",
  "meh",
  "okay",
  "sucks",
  "sux",
  "amazing",
  "broken",
  "slow",
  "lit",
  "lol",
  "smh",
  "wtf",
  "fab",
  "horrible",
  "nice",
  "fine",
  "useless",
  "perfect",
  "disappointing",
  "scam",
  "love",
  "hate",
  "helpful",
  "ugly",
  "the shit",
  "the bomb",
  "bad ass",
  "badass",
  "a kiss of death",
  "to die for",
  "yeah right",
  "cool",
  "fun",
  "dangerous",
  "hilarious",
  "sad",
  "happy",
  "angry",
  "buggy",
  "reliable",
  "cheap",
  "expensive",
  "better",
  "worse",
  "best",
  "worst",
  "gr8",
  "luv",
  "lmao",
  "ftw",
];
const TAILS = [
  "",
  "",
  "",
  "!",
  "!!",
  "!!!",
  "!!!!!!",
  "?",
  "??",
  "???",
  "?????",
  "?!",
  "...",
  " :)",
  " :(",
  " :D",
  " <3",
  " :-(",
  " ;)",
  " :P",
  " xD",
  " :/",
  " =)",
  " ://",
];
const EMOJI = [
  "",
  "",
  "",
  " 😍",
  "😍",
  " 😡",
  " 😂😂",
  " ❤️",
  "❤",
  " 👍",
  "👍🏽",
  " 💩",
  "🔥🔥🔥",
  " 🙄",
  " 😭",
  " 🙂",
  " 😊 😊",
  " 💔",
  " 🎉",
  "✨",
  " ☹️",
  " 😢",
  " 🤬",
  " 🥰",
  " 🇺🇸",
  " ©",
  " ★",
  "😍great",
];
const EXTRAS = [
  "",
  "",
  "",
  " https://t.co/abc123",
  " @user",
  " #fail",
  " #love",
  " via @acme",
  " RT",
  " $ACME",
  " (2/3)",
  " — honestly",
  " 10/10",
  " &amp; more",
];
const JOINS = [" but ", ", but ", " and ", ". ", " BUT ", " but not ", " yet ", " although "];

/** Sentences made of a random pick of each part; a quarter join two clauses. */
function builtTexts(n: number): string[] {
  const rng = new Rng("vader-agreement-built");
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  const clause = (): string => {
    let word = pick(WORDS);
    const caps = rng.next();
    if (caps < 0.12) word = word.toUpperCase();
    let mod = pick(MODIFIERS);
    if (caps > 0.94) mod = mod.toUpperCase();
    return [pick(SUBJECTS), pick(VERBS), mod, word].filter((p) => p !== "").join(" ");
  };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let text = clause();
    if (rng.next() < 0.25) text += pick(JOINS) + clause();
    text += pick(TAILS) + pick(EMOJI) + pick(EXTRAS);
    // The frown `D:`, where we deviate from the reference on purpose, at about the rate of a rare
    // emoticon: as common as the other tails it would measure the deviation, not the agreement.
    if (rng.next() < 0.004) text += " D:";
    const shape = rng.next();
    if (shape < 0.04) text = text.toUpperCase();
    else if (shape < 0.08) text = text.toLowerCase();
    else if (shape < 0.1) text = text.replaceAll(" ", "  ");
    else if (shape < 0.12) text = `${text}\n${clause()}`;
    out.push(text);
  }
  return out;
}
