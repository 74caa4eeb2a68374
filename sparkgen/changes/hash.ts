/**
 * The hash of a generated SQL statement, as `pipeline_run.sql_hashes` records it per window: the
 * sha256 of the text without its `--` comment lines, so a description or comment change (metadata)
 * keeps the hash and a change to what the SQL computes does not.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Keys of the two statements every metric reads through (besides one key per metric). */
export const EVENT_STATEMENTS = ["classify_events", "window_events"] as const;

/** Per statement (the two event statements, then each metric by name): its SQL hash. */
export type SqlHashes = Readonly<Record<string, string>>;

export function sqlHash(text: string): string {
  const code = text
    .split("\n")
    .filter((l) => !/^\s*--/.test(l))
    .join("\n");
  return createHash("sha256").update(code).digest("hex").slice(0, 16);
}

/**
 * A metric's hash: its statement's; with a reference-depth loop (compile/reference-depth.ts), of
 * its statement, the loop's edges statement and its cap together, which decide its values as one.
 */
export const metricSqlHash = (statement: string, depth?: { readonly edges: string; readonly cap: number }) =>
  sqlHash(depth ? `${statement}\n${depth.edges}\ncap ${depth.cap}` : statement);

interface PlanFile {
  readonly classify: string;
  readonly window_events: string;
  readonly metrics: readonly {
    readonly name: string;
    readonly sql: string;
    readonly reference_depth?: { readonly sql: string; readonly cap: number } | null;
  }[];
}

/**
 * The hashes of the plan a runner runs (`generated/steps/<job>.json` and the `.sql` files it names,
 * relative to it): what the scheduler records with every attempt it submits with that plan.
 */
export function planSqlHashes(planPath: string): SqlHashes {
  const plan = JSON.parse(readFileSync(planPath, "utf8")) as PlanFile;
  const text = (rel: string) => readFileSync(join(dirname(planPath), rel), "utf8");
  const read = (rel: string) => sqlHash(text(rel));
  return Object.freeze({
    classify_events: read(plan.classify),
    window_events: read(plan.window_events),
    ...Object.fromEntries(
      plan.metrics.map((m) => {
        const depth = m.reference_depth;
        return [
          m.name,
          metricSqlHash(text(m.sql), depth ? { edges: text(depth.sql), cap: depth.cap } : undefined),
        ];
      }),
    ),
  });
}
