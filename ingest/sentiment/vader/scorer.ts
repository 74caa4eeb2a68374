import type { Sentiment } from "../../types.ts";
import type { VaderLexicons } from "./lexicon.ts";
import {
  ALPHA,
  BOOSTERS,
  C_INCR,
  EXCLAMATION_INCR,
  IDIOM_WORDS,
  isNegation,
  N_SCALAR,
  SPECIAL_CASES,
} from "./rules.ts";

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
  private readonly words: ReadonlyMap<string, number>;
  private readonly emoji: ReadonlyMap<number, string>;
  private readonly exact: ReadonlyMap<string, number>;
  // Scratch state reused across calls: no per-token objects on the hot path.
  private raw: string[] = [];
  private lower: string[] = [];
  private upper = new Uint8Array(64);
  /** The lexicon valence of each token, NaN when the token is not in the lexicon. */
  private lex = new Float64Array(64);
  private sent = new Float64Array(64);
  private n = 0;
  private bangs = 0;
  private questions = 0;

  constructor(lexicons: VaderLexicons) {
    this.words = lexicons.words;
    this.emoji = lexicons.emoji;
    this.exact = lexicons.exact;
  }

  score(text: string): Sentiment {
    this.tokenise(this.withEmojiDescriptions(text));
    const n = this.n;
    const { lower, upper, lex, sent } = this;
    let caps = 0;
    for (let i = 0; i < n; i++) caps += upper[i]!;
    const capDiff = caps > 0 && caps < n;
    let but = -1;
    for (let i = 0; i < n; i++) {
      const w = lower[i]!;
      if (but < 0 && w === "but") but = i;
      sent[i] =
        BOOSTERS.has(w) || (w === "kind" && i < n - 1 && lower[i + 1] === "of") || Number.isNaN(lex[i]!)
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
    const { lower: l, upper, lex, n } = this;
    const base = this.exact.get(this.raw[i]!) ?? lex[i]!;
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
      const boost = BOOSTERS.get(l[j]!);
      if (boost !== undefined) {
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
    if (s === 0) return isNegation(l[i - 1]!) ? v * N_SCALAR : v;
    const w1 = l[i - 1]!;
    const w2 = l[i - 2]!;
    if (s === 1) {
      if (w2 === "never" && (w1 === "so" || w1 === "this")) return v * 1.25;
      if (w2 === "without" && w1 === "doubt") return v;
      return isNegation(w2) ? v * N_SCALAR : v;
    }
    const w3 = l[i - 3]!;
    if ((w3 === "never" && (w2 === "so" || w2 === "this")) || w1 === "so" || w1 === "this") return v * 1.25;
    if (w3 === "without" && (w2 === "doubt" || w1 === "doubt")) return v;
    return isNegation(w3) ? v * N_SCALAR : v;
  }

  /** `_special_idioms_check` (only reached with three tokens before `i`). */
  private idiomsCheck(v0: number, i: number): number {
    const { lower: l, n } = this;
    let hit = false;
    for (let k = i - 3; k <= i + 2 && k < n; k++) if (IDIOM_WORDS.has(l[k]!)) hit = true;
    if (!hit) return v0;
    let v = v0;
    const [w3, w2, w1, w0] = [l[i - 3]!, l[i - 2]!, l[i - 1]!, l[i]!];
    for (const seq of [
      `${w1} ${w0}`,
      `${w2} ${w1} ${w0}`,
      `${w2} ${w1}`,
      `${w3} ${w2} ${w1}`,
      `${w3} ${w2}`,
    ]) {
      const special = SPECIAL_CASES.get(seq);
      if (special !== undefined) {
        v = special;
        break;
      }
    }
    if (n - 1 > i) v = SPECIAL_CASES.get(`${w0} ${l[i + 1]}`) ?? v;
    if (n - 1 > i + 1) v = SPECIAL_CASES.get(`${w0} ${l[i + 1]} ${l[i + 2]}`) ?? v;
    for (const gram of [`${w3} ${w2} ${w1}`, `${w3} ${w2}`, `${w2} ${w1}`]) v += BOOSTERS.get(gram) ?? 0;
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
    const { emoji } = this;
    let out = "";
    let copied = 0;
    const len = text.length;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c < 0xa9) continue;
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
    const len = text.length;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c === 33) this.bangs++;
      else if (c === 63) this.questions++;
      if (isSpace(c)) {
        if (start >= 0) this.word(text, start, i);
        start = -1;
      } else if (start < 0) start = i;
    }
    if (start >= 0) this.word(text, start, len);
  }

  private word(text: string, from: number, to: number): void {
    let a = from;
    let b = to;
    while (a < b && isPunct(text.charCodeAt(a))) a++;
    while (b > a && isPunct(text.charCodeAt(b - 1))) b--;
    if (b - a <= 2 || (b - a <= 4 && codePoints(text, a, b) <= 2)) {
      a = from;
      b = to;
    }
    let up = false;
    let lo = false;
    let ascii = true;
    for (let i = a; i < b; i++) {
      const c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) up = true;
      else if (c >= 97 && c <= 122) lo = true;
      else if (c >= 128) ascii = false;
    }
    const raw = text.slice(a, b);
    let lower = raw;
    let isUpper = up && !lo;
    if (!ascii) {
      lower = raw.toLowerCase();
      isUpper = lower !== raw && raw.toUpperCase() === raw;
    } else if (up) lower = raw.toLowerCase();
    const k = this.n++;
    if (k >= this.upper.length) this.grow();
    this.raw[k] = raw;
    this.lower[k] = lower;
    this.upper[k] = isUpper ? 1 : 0;
    this.lex[k] = this.words.get(lower) ?? Number.NaN;
  }

  private grow(): void {
    const size = this.upper.length * 2;
    const upper = new Uint8Array(size);
    upper.set(this.upper);
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
