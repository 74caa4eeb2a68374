/** What the types cannot catch in a `metric` spec (spec/validate.ts calls it). */
import type { ExpressionNode } from "../ast/index.ts";
import { identifierProblem } from "../print/dialect.ts";
import { mapExpression } from "../transforms/map-expressions.ts";
import type { JobSpec } from "./kinds.ts";
import type { MetricKindSpec } from "./metric-kind.ts";

/** The longest top N of a ranked metric (a ranked list, not a dump of every value). */
export const MAX_TOP = 10_000;

type Add = (field: string, problem: string, fix: string) => void;

/** Literal patterns of the `RLIKE`s (`matches`) inside a predicate. */
function patterns(e: ExpressionNode): string[] {
  const found: string[] = [];
  mapExpression(e, (x) => {
    if (x.kind === "BinaryNode" && x.op === "RLIKE" && x.right.kind === "LiteralNode")
      found.push(String(x.right.value));
    return x;
  });
  return found;
}

export function metricKindProblems(m: MetricKindSpec, job: JobSpec, reserved: ReadonlySet<string>, add: Add) {
  const names = new Map<string, string>();
  const column = (field: string, name: string) => {
    const p = identifierProblem(name);
    if (p) add(field, p, "rename it in lower_snake_case");
    if (reserved.has(name) || name === "rank")
      add(field, `"${name}" is a key column of every result (or the rank)`, "rename it");
    const other = names.get(name);
    if (other) add(field, `has the same name as ${other}`, "give every dimension and measure its own name");
    names.set(name, field);
  };
  for (const [name, d] of Object.entries(m.dimensions)) {
    column(`dimensions.${name}`, name);
    if (d.bucketMinutes !== undefined && job.windowMinutes % d.bucketMinutes !== 0)
      add(
        `dimensions.${name}`,
        `buckets of ${d.bucketMinutes} minutes do not divide the ${job.windowMinutes}-minute window of ${job.source}`,
        "use a bucket size that divides the window",
      );
  }
  const measures = Object.entries(m.measures);
  if (measures.length === 0) add("measures", "is empty", "declare at least one measure");
  for (const [name, x] of measures) {
    column(`measures.${name}`, name);
    if (x.kind !== "derived") continue;
    for (const ref of x.refs) {
      const target = m.measures[ref];
      if (target === undefined)
        add(`measures.${name}`, `reads "${ref}", which is not a measure of the spec`, "name a measure");
      else if (target.kind === "derived")
        add(
          `measures.${name}`,
          `reads "${ref}", which is itself derived`,
          "derive from aggregate measures (count, sum, …) only",
        );
    }
  }
  if (m.rank) {
    if (!Number.isInteger(m.rank.top) || m.rank.top < 1 || m.rank.top > MAX_TOP)
      add("rank.top", `is ${m.rank.top}`, `use a whole number from 1 to ${MAX_TOP}`);
    if (!(m.rank.by in m.measures))
      add("rank.by", `"${m.rank.by}" is not a measure of the spec`, "rank by one of its measures");
    if (Object.keys(m.dimensions).length === 0)
      add("rank", "ranks a metric without dimensions (one row per topic)", "add a dimension or drop rank");
  }
  if (m.topics !== undefined && m.topics !== "every" && m.topics !== "tracked")
    add("topics", `is ${JSON.stringify(m.topics)}`, 'use "every" or "tracked"');
  for (const p of m.where ? patterns(m.where.node) : []) {
    try {
      new RegExp(p, "u");
    } catch {
      add("where", `matches ${JSON.stringify(p)}, which is not a regular expression`, "fix the pattern");
    }
  }
}
