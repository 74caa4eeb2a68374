/**
 * Whole-word, case-insensitive matching of many terms at once, by token lookup: the text is cut
 * into tokens once and walked against a trie of the terms' tokens, so the cost per post depends on
 * the text and the longest term, not on how many terms a rule has. (One alternation regex of all
 * the terms compiled to gigabytes for a 20,000-word rule; see issue 29, item 10.)
 *
 * A token is a maximal run of letters, digits and `_` (a word) or any one other non-space
 * character; it remembers whether whitespace precedes it. A term matches where its tokens appear
 * with the same spacing (any run of whitespace where the term has whitespace, none where it has
 * none) and is not glued to a longer word: the same "whole words" as `(?<![\p{L}\p{N}_])term
 * (?![\p{L}\p{N}_])`.
 */
export interface Token {
  readonly text: string;
  readonly word: boolean;
  /** Whitespace (or the start of the text) comes before it. */
  readonly spaced: boolean;
}

const TOKEN = /([\p{L}\p{N}_]+)|\S/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let end = 0;
  for (const m of text.matchAll(TOKEN)) {
    tokens.push({ text: m[0].toLowerCase(), word: m[1] !== undefined, spaced: m.index > end || end === 0 });
    end = m.index + m[0].length;
  }
  return tokens;
}

interface TrieNode {
  readonly next: Map<string, TrieNode>;
  end: boolean;
}

// A later token's key carries its spacing, so "a b" and "a.b"-like neighbours stay apart.
const key = (t: Token, first: boolean) => (first || !t.spaced ? t.text : ` ${t.text}`);
// A term cannot start or end on punctuation that touches a word ("x@acme" is not "@acme").
const gluedBefore = (ts: readonly Token[], i: number) =>
  !ts[i]!.word && !ts[i]!.spaced && i > 0 && ts[i - 1]!.word;
const gluedAfter = (ts: readonly Token[], j: number) =>
  !ts[j]!.word && j + 1 < ts.length && !ts[j + 1]!.spaced && ts[j + 1]!.word;

/** A set of terms (words, phrases, `#tags`); `matches` says whether any occurs in the tokens. */
export class TermIndex {
  private readonly root: TrieNode = { next: new Map(), end: false };
  size = 0;

  add(term: string): void {
    const tokens = tokenize(term);
    if (tokens.length === 0) return;
    let node = this.root;
    tokens.forEach((t, k) => {
      const edge = key(t, k === 0);
      let child = node.next.get(edge);
      if (!child) {
        child = { next: new Map(), end: false };
        node.next.set(edge, child);
      }
      node = child;
    });
    if (!node.end) this.size++;
    node.end = true;
  }

  matches(tokens: readonly Token[]): boolean {
    for (let i = 0; i < tokens.length; i++) {
      if (gluedBefore(tokens, i)) continue;
      let node = this.root.next.get(tokens[i]!.text);
      for (let j = i; node !== undefined; j++) {
        if (node.end && !gluedAfter(tokens, j)) return true;
        const t = tokens[j + 1];
        node = t && node.next.get(key(t, false));
      }
    }
    return false;
  }
}
