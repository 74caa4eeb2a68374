import { readFileSync } from "node:fs";
import { loadConfig } from "../../../runtime/config/index.ts";
import { findVader } from "../../../runtime/vader/index.ts";

/**
 * VADER's two published lexicons, as the reference loads them: words (lower-case token → mean
 * valence, −4…4; a token listed twice keeps its last valence, like the reference's dict) and
 * emoji (one code point → its description; the reference replaces emoji character by character,
 * so keys of several code points never apply and are not kept).
 */
export interface VaderLexicons {
  words: ReadonlyMap<string, number>;
  emoji: ReadonlyMap<number, string>;
  /**
   * Case-sensitive tokens where we deviate from the reference (see README): `D:` (a frown) is
   * listed as `d:` −2.9 and again as `d:` 1.2, and the reference's lower-casing plus last-wins
   * scores it +1.2. We keep the first listing for the exact token `D:`.
   */
  exact: ReadonlyMap<string, number>;
}

/** Parses `vader_lexicon.txt` (token TAB mean TAB sd TAB ratings); a bad line is named. */
export function parseWordLexicon(text: string): { words: Map<string, number>; first: Map<string, number> } {
  const words = new Map<string, number>();
  const first = new Map<string, number>();
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === "") continue;
    const [token, mean] = line.split("\t");
    const valence = Number(mean);
    if (!token || mean === undefined || !Number.isFinite(valence) || valence < -4 || valence > 4)
      throw new Error(`vader_lexicon.txt line ${n + 1}: expected "token<TAB>valence in −4…4"`);
    const seen = words.get(token);
    if (seen !== undefined && !first.has(token)) first.set(token, seen);
    words.set(token, valence);
  }
  return { words, first };
}

/** Parses `emoji_utf8_lexicon.txt` (emoji TAB description), keeping one-code-point emoji. */
export function parseEmojiLexicon(text: string): Map<number, string> {
  const emoji = new Map<number, string>();
  for (const line of text.trim().split("\n")) {
    const [key, description] = line.trim().split("\t");
    if (!key || description === undefined) continue;
    const cp = key.codePointAt(0)!;
    if (String.fromCodePoint(cp) === key) emoji.set(cp, description);
  }
  return emoji;
}

/** Reads both files of an installed vaderSentiment distribution. */
export function loadVaderLexicons(files: { lexicon: string; emojiLexicon: string }): VaderLexicons {
  const { words, first } = parseWordLexicon(readFileSync(files.lexicon, "utf8"));
  const frown = first.get("d:");
  return {
    words,
    emoji: parseEmojiLexicon(readFileSync(files.emojiLexicon, "utf8")),
    exact: new Map(frown === undefined ? [] : [["D:", frown]]),
  };
}

const loaded = new Map<string, VaderLexicons>();

/**
 * The lexicons installed in the cache (`trends setup`, or the first `trends demo`/`ingest`), read
 * once per cache directory; a prerequisite error names the fix when they are missing.
 */
export function defaultLexicons(cacheDir = loadConfig({ env: process.env }).cacheDir): VaderLexicons {
  let lex = loaded.get(cacheDir);
  if (!lex) {
    lex = loadVaderLexicons(findVader(cacheDir));
    loaded.set(cacheDir, lex);
  }
  return lex;
}
