import { usageError } from "../../../runtime/errors/index.ts";
import { TermIndex, tokenize } from "./matcher.ts";

/**
 * Topic rules applied locally (Jetstream has no server-side keyword filter). A rule's value is a
 * small language: words, "quoted phrases" and #hashtags (any one matches), `-word` / `-"phrase"`
 * (none may match) and `lang:xx` (the post must carry one of the named languages). Matching is
 * case-insensitive on whole words; a #hashtag matches a tag facet or the tag written in the text.
 */
export interface LocalRule {
  id: string;
  /** The source the rule filters (`bluesky`); X's rules live on X's servers. */
  source: "bluesky";
  tag: string;
  value: string;
}

export interface CompiledRule {
  tag: string;
  any: TermIndex;
  hashtags: ReadonlySet<string>;
  none: TermIndex;
  langs: ReadonlySet<string>;
}

const TERM = /(-?)(?:"([^"]*)"|(\S+))/g;

/** How many terms (words, phrases, tags, exclusions, languages) a rule value has. */
export const termsOf = (value: string): number => value.match(TERM)?.length ?? 0;

/** Parses a rule value; a value with no word, phrase or hashtag is a usage error naming it. */
export function compileRule(tag: string, value: string): CompiledRule {
  const any = new TermIndex();
  const none = new TermIndex();
  const hashtags = new Set<string>();
  const langs = new Set<string>();
  for (const m of value.matchAll(TERM)) {
    const negated = m[1] === "-";
    const quoted = m[2];
    const word = m[3] ?? "";
    if (quoted !== undefined) {
      if (quoted.trim() !== "") (negated ? none : any).add(quoted.trim());
    } else if (!negated && /^lang:[a-z]{2,3}(-[A-Za-z0-9]+)?$/i.test(word)) {
      langs.add(word.slice(5).toLowerCase());
    } else if (word.toUpperCase() === "OR") {
      // "a OR b" reads naturally; terms are alternatives anyway.
    } else if (!negated && /^#[\p{L}\p{N}_]+$/u.test(word)) {
      hashtags.add(word.slice(1).toLowerCase());
      any.add(word);
    } else {
      (negated ? none : any).add(word);
    }
  }
  if (any.size === 0)
    throw usageError(
      `rule ${JSON.stringify(value)} has no word, "phrase" or #hashtag to match`,
      "e.g. --value 'acme OR \"acme corp\" OR #acme lang:en'",
    );
  return { tag, any, hashtags, none, langs };
}

/** The tags of the rules a post matches, in rule order, each once. */
export function matchRules(
  rules: readonly CompiledRule[],
  text: string,
  hashtags: readonly string[],
  langs: readonly string[],
): string[] {
  const tags: string[] = [];
  const tokens = tokenize(text);
  for (const r of rules) {
    if (tags.includes(r.tag)) continue;
    if (
      r.langs.size > 0 &&
      !langs.some((l) => r.langs.has(l.toLowerCase()) || r.langs.has(l.slice(0, 2).toLowerCase()))
    )
      continue;
    const hit = hashtags.some((h) => r.hashtags.has(h)) || r.any.matches(tokens);
    if (hit && !r.none.matches(tokens)) tags.push(r.tag);
  }
  return tags;
}
