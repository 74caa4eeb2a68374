import type { Sentiment } from "../../types.ts";
import type { VaderLexicons } from "./lexicon.ts";
import {
  ALPHA,
  BOOST2,
  BOOST3,
  BOOSTERS,
  C_INCR,
  EXCLAMATION_INCR,
  IDIOM_WORDS,
  isNegation,
  N_SCALAR,
  NEGATIONS,
  type PhraseTable,
  SPECIAL2,
  SPECIAL3,
} from "./rules.ts";

/** What the rules need to know about a known token, looked up once per token. */
interface Word {
  /** The lower-case token. */
  key: string;
  /** Lexicon valence, NaN when not in the lexicon. */
  valence: number;
  /** Booster scalar, 0 when not a booster. */
  boost: number;
  negation: boolean;
  /** Part of a multi-word idiom or booster. */
  idiom: boolean;
}

/**
 * vaderSentiment 3.3.2's `polarity_scores`, rule for rule, written for the ingest hot path: emoji
 * are replaced by their descriptions only when a text has one, the text is split and stripped in
 * one pass over its UTF-16 units, lower-casing is skipped for lower-case ASCII tokens, and the
 * per-token state lives in reused typed arrays. Quirks of the reference are kept (they are what
 * "faithful" means, and the agreement test measures it); the one deviation is `D:` (lexicon.ts).
 *
 * score = compound (−1…1, 4 decimals). magnitude = (Σ |token valence after the rules| + the
 * punctuation emphasis when the text is not neutral) / 4 — measured in "strong words" (valences
 * run −4…4), ≥ 0, growing with the amount of emotion like Google's magnitude does.
 */
export class VaderScorer {
  private readonly vocab = new Map<string, Word>();
  private readonly emoji: ReadonlyMap<number, string>;
  /** 1 for a UTF-16 unit that starts an emoji of the lexicon: most texts need no Map lookup. */
  private readonly emojiLead = new Uint8Array(0x10000);
  private readonly exact: ReadonlyMap<string, number>;
  // Scratch state reused across calls: no per-token objects on the hot path.
  /** Lower-case tokens; "" for an ASCII token outside the vocabulary (no rule compares it). */
  private lower: string[] = [];
  private known: (Word | undefined)[] = [];
  /** Per token: the reference's `negated([token])`. */
  private neg = new Uint8Array(64);
  private upper = new Uint8Array(64);
  /** The lexicon valence of each token, NaN when the token is not in the lexicon. */
  private lex = new Float64Array(64);
  private sent = new Float64Array(64);
  private n = 0;
  private bangs = 0;
  private questions = 0;

  constructor(lexicons: VaderLexicons) {
    this.emoji = lexicons.emoji;
    this.exact = lexicons.exact;
    for (const cp of lexicons.emoji.keys()) this.emojiLead[String.fromCodePoint(cp).charCodeAt(0)] = 1;
    const words = new Set([...lexicons.words.keys(), ...BOOSTERS.keys(), ...NEGATIONS, ...IDIOM_WORDS]);
    for (const w of [...words, ...RULE_WORDS]) {
      this.vocab.set(w, {
        key: w,
        valence: lexicons.words.get(w) ?? Number.NaN,
        boost: BOOSTERS.get(w) ?? 0,
        negation: isNegation(w),
        idiom: IDIOM_WORDS.has(w),
      });
    }
    this.table = new AsciiTable(this.vocab);
  }

  private readonly table: AsciiTable;

  score(text: string): Sentiment {
    this.tokenise(this.withEmojiDescriptions(text));
    const n = this.n;
    const { lower, upper, lex, sent, known } = this;
    let caps = 0;
    for (let i = 0; i < n; i++) caps += upper[i]!;
    const capDiff = caps > 0 && caps < n;
    let but = -1;
    for (let i = 0; i < n; i++) {
      const w = lower[i]!;
      if (but < 0 && w === "but") but = i;
      sent[i] =
        Number.isNaN(lex[i]!) ||
        (known[i]?.boost ?? 0) !== 0 ||
        (w === "kind" && i < n - 1 && lower[i + 1] === "of")
          ? 0
          : this.valence(i, capDiff);
    }
    if (but >= 0) this.butCheck(but);
    let sum = 0;
    let abs = 0;
    for (let i = 0; i < n; i++) {
      const v = sent[i]!;
      sum += v;
      abs += v < 0 ? -v : v;
    }
    if (sum === 0) return { score: 0, magnitude: round4(abs / 4) };
    const punct = this.punctuationEmphasis();
    sum += sum > 0 ? punct : -punct;
    const compound = Math.max(-1, Math.min(1, sum / Math.sqrt(sum * sum + ALPHA)));
    return { score: round4(compound), magnitude: round4((abs + punct) / 4) };
  }

  /** `sentiment_valence` for a token in the lexicon. */
  private valence(i: number, capDiff: boolean): number {
    const { lower: l, upper, lex, known, n } = this;
    const base = lex[i]!;
    let v = base;
    if (l[i] === "no" && i !== n - 1 && !Number.isNaN(lex[i + 1]!)) v = 0;
    if (
      (i > 0 && l[i - 1] === "no") ||
      (i > 1 && l[i - 2] === "no") ||
      (i > 2 && l[i - 3] === "no" && (l[i - 1] === "or" || l[i - 1] === "nor"))
    )
      v = base * N_SCALAR;
    if (upper[i] && capDiff) v += v > 0 ? C_INCR : -C_INCR;
    for (let s = 0; s < 3; s++) {
      const j = i - s - 1;
      if (j < 0 || !Number.isNaN(lex[j]!)) continue;
      const boost = known[j]?.boost ?? 0;
      if (boost !== 0) {
        let b = v < 0 ? -boost : boost;
        if (upper[j] && capDiff) b += v > 0 ? C_INCR : -C_INCR;
        v += s === 0 ? b : s === 1 ? b * 0.95 : b * 0.9;
      }
      v = this.negationCheck(v, s, i);
      if (s === 2) v = this.idiomsCheck(v, i);
    }
    // _least_check
    if (i > 0 && l[i - 1] === "least" && Number.isNaN(lex[i - 1]!)) {
      if (i === 1 || (l[i - 2] !== "at" && l[i - 2] !== "very")) v *= N_SCALAR;
    }
    return v;
  }

  /**
   * `_negation_check`, including the reference's precedence at three tokens back: a "so"/"this"
   * right before the word boosts ×1.25 whatever precedes it (`A and B or C`).
   */
  private negationCheck(v: number, s: number, i: number): number {
    const l = this.lower;
    if (s === 0) return this.negated(i - 1) ? v * N_SCALAR : v;
    const w1 = l[i - 1]!;
    const w2 = l[i - 2]!;
    if (s === 1) {
      if (w2 === "never" && (w1 === "so" || w1 === "this")) return v * 1.25;
      if (w2 === "without" && w1 === "doubt") return v;
      return this.negated(i - 2) ? v * N_SCALAR : v;
    }
    const w3 = l[i - 3]!;
    if ((w3 === "never" && (w2 === "so" || w2 === "this")) || w1 === "so" || w1 === "this") return v * 1.25;
    if (w3 === "without" && (w2 === "doubt" || w1 === "doubt")) return v;
    return this.negated(i - 3) ? v * N_SCALAR : v;
  }

  /** `negated([token])`: a negation word, or any token containing "n't". */
  private negated(j: number): boolean {
    return this.neg[j] === 1;
  }

  /** `_special_idioms_check` (only reached with three tokens before `i`), without building strings. */
  private idiomsCheck(v0: number, i: number): number {
    const { lower: l, known, n } = this;
    let hit = false;
    for (let k = i - 3; k <= i + 2 && k < n; k++) if (known[k]?.idiom) hit = true;
    if (!hit) return v0;
    let v = v0;
    const [w3, w2, w1, w0] = [l[i - 3]!, l[i - 2]!, l[i - 1]!, l[i]!];
    const special =
      get2(SPECIAL2, w1, w0) ??
      get3(SPECIAL3, w2, w1, w0) ??
      get2(SPECIAL2, w2, w1) ??
      get3(SPECIAL3, w3, w2, w1) ??
      get2(SPECIAL2, w3, w2);
    if (special !== undefined) v = special;
    if (n - 1 > i) v = get2(SPECIAL2, w0, l[i + 1]!) ?? v;
    if (n - 1 > i + 1) v = get3(SPECIAL3, w0, l[i + 1]!, l[i + 2]!) ?? v;
    v += get3(BOOST3, w3, w2, w1) ?? 0;
    v += get2(BOOST2, w3, w2) ?? 0;
    v += get2(BOOST2, w2, w1) ?? 0;
    return v;
  }

  /**
   * `_but_check`, exactly: the reference rescales `sentiments[sentiments.index(value)]`, the first
   * slot holding an equal value, which is not always the slot being visited. Zeros stay zero, so
   * only non-zero slots are searched.
   */
  private butCheck(bi: number): void {
    const { sent, n } = this;
    for (let k = 0; k < n; k++) {
      const v = sent[k]!;
      if (v === 0) continue;
      let si = 0;
      while (sent[si] !== v) si++;
      if (si < bi) sent[si] = v * 0.5;
      else if (si > bi) sent[si] = v * 1.5;
    }
  }

  private punctuationEmphasis(): number {
    const q = this.questions;
    const qm = q > 1 ? (q <= 3 ? q * 0.18 : 0.96) : 0;
    return Math.min(this.bangs, 4) * EXCLAMATION_INCR + qm;
  }

  /**
   * The reference's emoji pass: each code point in the emoji lexicon becomes its description,
   * preceded by a space unless the previous character was one, and glued to whatever follows.
   * Texts without such a code point are returned as they are (no copy).
   */
  private withEmojiDescriptions(text: string): string {
    const { emoji, emojiLead } = this;
    let out = "";
    let copied = 0;
    const len = text.length;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c < 0xa9 || emojiLead[c] === 0) continue;
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < len;
      const d = text.charCodeAt(i + 1);
      const cp = pair && d >= 0xdc00 && d <= 0xdfff ? (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000 : c;
      const width = cp > 0xffff ? 2 : 1;
      const description = emoji.get(cp);
      if (description === undefined) {
        i += width - 1;
        continue;
      }
      out += text.slice(copied, i);
      // The previous character is a space only if it was not an emoji (replaced without one).
      out += i > 0 && text.charCodeAt(i - 1) !== 32 ? ` ${description}` : description;
      copied = i + width;
      i += width - 1;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /**
   * `text.split()` then `_strip_punc_if_word` on each token: ASCII punctuation is trimmed from
   * both ends unless that leaves ≤ 2 characters (so `:)` survives and `#love!` becomes `love`).
   * Also counts `!` and `?` (`_amplify_ep`, `_amplify_qm`).
   */
  private tokenise(text: string): void {
    this.n = 0;
    this.bangs = 0;
    this.questions = 0;
    let start = -1;
    // Letter classes of the current token (punctuation has none, so they hold for its stripped form).
    let up = false;
    let lo = false;
    let ascii = true;
    const len = text.length;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c >= 97 && c <= 122) lo = true;
      else if (c >= 65 && c <= 90) up = true;
      else if (c === 33) this.bangs++;
      else if (c === 63) this.questions++;
      else if (isSpace(c)) {
        if (start >= 0) this.word(text, start, i, up, lo, ascii);
        start = -1;
        up = lo = false;
        ascii = true;
        continue;
      } else if (c >= 128) ascii = false;
      if (start < 0) start = i;
    }
    if (start >= 0) this.word(text, start, len, up, lo, ascii);
  }

  private word(text: string, from: number, to: number, up: boolean, lo: boolean, ascii: boolean): void {
    let a = from;
    let b = to;
    while (a < b && isPunct(text.charCodeAt(a))) a++;
    while (b > a && isPunct(text.charCodeAt(b - 1))) b--;
    if (b - a <= 2 || (b - a <= 4 && codePoints(text, a, b) <= 2)) {
      a = from;
      b = to;
    }
    const k = this.n++;
    if (k >= this.upper.length) this.grow();
    let known: Word | undefined;
    let isUpper = up && !lo;
    let negation: boolean;
    if (ascii) {
      // No string is made for an ASCII token: hashed and compared in place, lower-cased on the fly.
      known = this.table.find(text, a, b);
      this.lower[k] = known === undefined ? "" : known.key;
      negation = known === undefined ? hasNt(text, a, b) : known.negation;
    } else {
      const raw = text.slice(a, b);
      const lower = raw.toLowerCase();
      isUpper = lower !== raw && raw.toUpperCase() === raw;
      known = this.vocab.get(lower);
      this.lower[k] = lower;
      negation = known === undefined ? lower.includes("n't") : known.negation;
    }
    this.known[k] = known;
    this.neg[k] = negation ? 1 : 0;
    this.upper[k] = isUpper ? 1 : 0;
    let valence = known === undefined ? Number.NaN : known.valence;
    if (b - a === 2 && this.exact.size > 0) valence = this.exact.get(text.slice(a, b)) ?? valence;
    this.lex[k] = valence;
  }

  private grow(): void {
    const size = this.upper.length * 2;
    const upper = new Uint8Array(size);
    upper.set(this.upper);
    const neg = new Uint8Array(size);
    neg.set(this.neg);
    this.neg = neg;
    const lex = new Float64Array(size);
    lex.set(this.lex);
    this.upper = upper;
    this.lex = lex;
    this.sent = new Float64Array(size);
  }
}

/** Python's `str.isspace()` characters, which `str.split()` splits on. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13) || (c >= 28 && c <= 31);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** ASCII punctuation, Python's `string.punctuation`. */
function isPunct(c: number): boolean {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

/** Code points in text[a, b) (Python's `len`): UTF-16 units less the surrogate pairs. */
function codePoints(text: string, a: number, b: number): number {
  let n = b - a;
  for (let i = a; i + 1 < b; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

const get2 = (t: PhraseTable, a: string, b: string): number | undefined => t.get(a)?.get(b);
const get3 = (t: ReadonlyMap<string, PhraseTable>, a: string, b: string, c: string): number | undefined =>
  t.get(a)?.get(b)?.get(c);

/** Words the rules compare tokens with, beyond the lexicon, boosters and negations. */
const RULE_WORDS = [
  "but",
  "no",
  "or",
  "nor",
  "least",
  "at",
  "very",
  "kind",
  "of",
  "so",
  "this",
  "never",
  "without",
  "doubt",
];

/** `"n't" in token.lower()` over an ASCII range, without making the string. */
function hasNt(text: string, a: number, b: number): boolean {
  for (let i = a; i + 2 < b; i++) {
    if (
      (text.charCodeAt(i) | 0x20) === 110 &&
      text.charCodeAt(i + 1) === 39 &&
      (text.charCodeAt(i + 2) | 0x20) === 116
    )
      return true;
  }
  return false;
}

/**
 * Open addressing over the ASCII words of the vocabulary, keyed by FNV-1a of the lower-cased
 * UTF-16 units, so a token is looked up without slicing or lower-casing it first.
 */
class AsciiTable {
  private readonly slots: Int32Array;
  private readonly words: Word[] = [];
  private readonly mask: number;

  constructor(vocab: ReadonlyMap<string, Word>) {
    let size = 1024;
    while (size < vocab.size * 4) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (const [key, word] of vocab) {
      if (!/^[\x00-\x7f]*$/.test(key) || key !== key.toLowerCase()) continue;
      let h = hash(key, 0, key.length);
      while (this.slots[h & this.mask] !== -1) h++;
      this.slots[h & this.mask] = this.words.length;
      this.words.push(word);
    }
  }

  find(text: string, a: number, b: number): Word | undefined {
    const len = b - a;
    for (let h = hash(text, a, b); ; h++) {
      const slot = this.slots[h & this.mask]!;
      if (slot === -1) return undefined;
      const w = this.words[slot]!;
      const key = w.key;
      if (key.length !== len) continue;
      let i = 0;
      while (i < len && lowerAscii(text.charCodeAt(a + i)) === key.charCodeAt(i)) i++;
      if (i === len) return w;
    }
  }
}

const lowerAscii = (c: number): number => (c >= 65 && c <= 90 ? c | 0x20 : c);

function hash(text: string, a: number, b: number): number {
  let h = 0x811c9dc5;
  for (let i = a; i < b; i++) h = Math.imul(h ^ lowerAscii(text.charCodeAt(i)), 0x01000193);
  return h >>> 0;
}
