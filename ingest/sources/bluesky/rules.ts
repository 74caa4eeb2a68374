import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { usageError } from "../../../runtime/errors/index.ts";
import { MAX_TOPIC_LENGTH, TOPIC_NAME } from "../../../sparkgen/schema/index.ts";
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

/** Checked like X's tags (the contract's topic name): it lands in PostgreSQL and the dashboard. */
export function checkTag(tag: string): void {
  if (!TOPIC_NAME.test(tag))
    throw usageError(
      `--tag ${JSON.stringify(tag)} is not a topic name`,
      `use 1 to ${MAX_TOPIC_LENGTH} letters, digits, _ or -, e.g. acme`,
    );
}

/** The local rules file: `{ "rules": [ { id, source, tag, value } ] }`, written atomically. */
export class RulesFile {
  constructor(readonly path: string) {}

  list(): LocalRule[] {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw usageError(`${this.path} is not valid JSON`, "fix or delete the file, then add the rules again");
    }
    const rules = (parsed as { rules?: unknown }).rules;
    if (!Array.isArray(rules))
      throw usageError(`${this.path} has no "rules" list`, 'write it as {"rules": []}');
    return rules.filter(
      (r): r is LocalRule =>
        typeof r === "object" &&
        r !== null &&
        typeof r.id === "string" &&
        typeof r.tag === "string" &&
        typeof r.value === "string",
    );
  }

  add(tag: string, value: string): LocalRule {
    checkTag(tag);
    if (value.trim() === "" || value.length > 1024)
      throw usageError("--value must be 1 to 1,024 characters", 'e.g. --value "acme lang:en"');
    compileRule(tag, value);
    const rule: LocalRule = { id: randomUUID().slice(0, 8), source: "bluesky", tag, value };
    this.write([...this.list(), rule]);
    return rule;
  }

  /** Deletes by id or by tag; returns the rules removed. */
  delete(ids: readonly string[], tag?: string): LocalRule[] {
    const all = this.list();
    const gone = all.filter((r) => ids.includes(r.id) || (tag !== undefined && r.tag === tag));
    this.write(all.filter((r) => !gone.includes(r)));
    return gone;
  }

  /** The compiled rules of `source`; none is a usage error (every post would be dropped). */
  compiled(): CompiledRule[] {
    const rules = this.list().filter((r) => r.source === "bluesky");
    if (rules.length === 0)
      throw usageError(
        `no Bluesky rules in ${this.path}: every post would be dropped`,
        "add one: trends rules add --source bluesky --tag acme --value 'acme OR #acme'",
      );
    return rules.map((r) => compileRule(r.tag, r.value));
  }

  private write(rules: LocalRule[]): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ rules }, null, 2)}\n`);
    renameSync(tmp, this.path);
  }
}
