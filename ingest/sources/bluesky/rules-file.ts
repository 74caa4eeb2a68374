import { randomUUID } from "node:crypto";
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { usageError } from "../../../runtime/errors/index.ts";
import { withLock } from "../../../runtime/lock/index.ts";
import { MAX_TOPIC_LENGTH, TOPIC_NAME } from "../../../sparkgen/schema/index.ts";
import { type CompiledRule, compileRule, type LocalRule, termsOf } from "./rules.ts";

/** What one rules file may hold; `rules add` and a hand-edited file are held to the same. */
export const RULES_LIMITS = { fileBytes: 1 << 20, rules: 1000, valueChars: 1024, terms: 256 } as const;

const fmt = (n: number) => n.toLocaleString("en-US");
const TOPIC = `1 to ${MAX_TOPIC_LENGTH} letters, digits, _ or -`;

/**
 * One schema for a rule, whoever wrote it. Keys it does not know (a note, a field of a later
 * version) are kept and written back unchanged, never silently dropped by the next `rules add`.
 */
const RULE = z.looseObject({
  id: z.string().regex(/^[\w-]{1,64}$/, { error: `"id" must be 1 to 64 letters, digits, _ or -` }),
  source: z.literal("bluesky", { error: `"source" must be "bluesky" (X's rules live on X's servers)` }),
  tag: z.string({ error: '"tag" must be a string' }).regex(TOPIC_NAME, { error: `"tag" must be ${TOPIC}` }),
  value: z
    .string({ error: '"value" must be a string' })
    .refine((v) => v.trim() !== "" && v.length <= RULES_LIMITS.valueChars, {
      error: `"value" must be 1 to ${fmt(RULES_LIMITS.valueChars)} characters`,
    })
    .refine((v) => termsOf(v) <= RULES_LIMITS.terms, {
      error: `"value" has more than ${RULES_LIMITS.terms} terms`,
    }),
});
const FILE = z.looseObject({ rules: z.array(z.unknown()) });
type RulesDoc = z.infer<typeof FILE>;

/** The local rules file: `{ "rules": [ { id, source, tag, value } ] }`, written atomically. */
export class RulesFile {
  constructor(readonly path: string) {}

  list(): LocalRule[] {
    return this.read().rules as LocalRule[];
  }

  /** Validates `tag` and `value` as the file's entries are, then appends under the file's lock. */
  add(tag: string, value: string): LocalRule {
    const rule = { id: randomUUID().slice(0, 8), source: "bluesky" as const, tag, value };
    this.check(rule, `--tag/--value`);
    this.update((rules) => [...rules, rule]);
    return rule;
  }

  /** Deletes by id or by tag; returns the rules removed. */
  delete(ids: readonly string[], tag?: string): LocalRule[] {
    let gone: LocalRule[] = [];
    this.update((rules) => {
      gone = (rules as LocalRule[]).filter((r) => ids.includes(r.id) || (tag !== undefined && r.tag === tag));
      return rules.filter((r) => !gone.includes(r as LocalRule));
    });
    return gone;
  }

  /** The compiled rules; none is a usage error (every post would be dropped). */
  compiled(): CompiledRule[] {
    const rules = this.list();
    if (rules.length === 0)
      throw usageError(
        `no Bluesky rules in ${this.path}: every post would be dropped`,
        "add one: trends rules add --source bluesky --tag acme --value 'acme OR #acme'",
      );
    return rules.map((r) => compileRule(r.tag, r.value));
  }

  /**
   * Read, change, write under an exclusive lock (`FILE.lock`): concurrent `rules add` runs each
   * see the others' rules. Unknown keys of the file and its entries are written back as read.
   */
  private update(change: (rules: readonly unknown[]) => unknown[]): void {
    withLock(
      `${this.path}.lock`,
      () => {
        const doc = this.read();
        const rules = change(doc.rules);
        if (rules.length > RULES_LIMITS.rules)
          throw usageError(
            `${this.path} holds ${fmt(RULES_LIMITS.rules)} rules already`,
            "delete some first",
          );
        const tmp = `${this.path}.${process.pid}.tmp`;
        writeFileSync(tmp, `${JSON.stringify({ ...doc, rules }, null, 2)}\n`);
        renameSync(tmp, this.path);
      },
      (holder) =>
        usageError(
          `${this.path} is being changed by process ${holder}`,
          `retry; if no trends runs, delete ${this.path}.lock`,
        ),
    );
  }

  private read(): RulesDoc {
    const fix = "fix or delete that entry, or delete the file and add the rules again";
    let text: string;
    try {
      if (statSync(this.path).size > RULES_LIMITS.fileBytes)
        throw usageError(`${this.path} is over ${fmt(RULES_LIMITS.fileBytes)} bytes`, fix);
      text = readFileSync(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { rules: [] };
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw usageError(`${this.path} is not valid JSON`, "fix or delete the file, then add the rules again");
    }
    const doc = FILE.safeParse(parsed);
    if (!doc.success) throw usageError(`${this.path} has no "rules" list`, 'write it as {"rules": []}');
    if (doc.data.rules.length > RULES_LIMITS.rules)
      throw usageError(`${this.path} has more than ${fmt(RULES_LIMITS.rules)} rules`, fix);
    doc.data.rules.forEach((r, i) => {
      this.check(r, `rule ${i + 1}`);
    });
    return doc.data;
  }

  /** One entry against the schema, then the rule language; the error names the entry. */
  private check(entry: unknown, where: string): void {
    const r = RULE.safeParse(entry);
    const id = RULE.shape.id.safeParse((entry as { id?: unknown } | null)?.id);
    const name = `${this.path}: ${where}${id.success && where.startsWith("rule") ? ` (id ${id.data})` : ""}`;
    const fix = where.startsWith("rule")
      ? `fix or delete that entry in ${this.path}`
      : 'e.g. --tag acme --value "acme lang:en"';
    if (!r.success) throw usageError(`${name}: ${r.error.issues[0]?.message ?? "invalid"}`, fix);
    try {
      compileRule(r.data.tag, r.data.value);
    } catch (e) {
      throw usageError(`${name}: ${(e as Error).message}`, fix);
    }
  }
}
