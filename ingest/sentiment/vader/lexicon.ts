import { readFileSync } from "node:fs";

/**
 * The shipped lexicon (`lexicon.txt` beside this file): lines of `<valence> <token> <token> …`,
 * `#` comments. Tokens are lower-case words, emoticons or emoji.
 */
export type Lexicon = ReadonlyMap<string, number>;

/** Parses the lexicon text format; a duplicate token or a bad valence names the line. */
export function parseLexicon(text: string): Lexicon {
  const lex = new Map<string, number>();
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [head, ...tokens] = line.split(/\s+/);
    const valence = Number(head);
    if (!Number.isFinite(valence) || valence < -4 || valence > 4)
      throw new Error(`lexicon line ${n + 1}: valence ${head} is not a number in −4…4`);
    for (const t of tokens) {
      if (lex.has(t)) throw new Error(`lexicon line ${n + 1}: ${t} is listed twice`);
      lex.set(t, valence);
    }
  }
  return lex;
}

let shipped: Lexicon | undefined;

/** The lexicon shipped with trends, read once. */
export function defaultLexicon(): Lexicon {
  shipped ??= parseLexicon(readFileSync(new URL("./lexicon.txt", import.meta.url), "utf8"));
  return shipped;
}
