/** What the types cannot catch in a `metric` spec (spec/validate.ts calls it). */
import type { ExpressionNode } from "../ast/index.ts";
import { rollupColumnsOf } from "../compile/rollup.ts";
import { identifierProblem } from "../print/dialect.ts";
import { mapExpression } from "../transforms/map-expressions.ts";
import type { JobSpec } from "./kinds.ts";
import type { DepthMeasure, Dimension } from "./metric-dsl.ts";
import type { GeneralMetricSpec } from "./metric-kind.ts";

/** The longest top N of a ranked metric (a ranked list, not a dump of every value). */
export const MAX_TOP = 10_000;
/** The longest reference chain a depth counts (the chain is unrolled: the plan grows with it). */
export const MAX_DEPTH_CAP = 16;

/** A weighted score's weights (influencers, `score`): one outside 0…1, and their sum when it is not 1. */
export function weightProblems(weights: readonly number[]): { outside?: number; sum?: number } {
  const outside = weights.find((w) => !(w >= 0 && w <= 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  return {
    ...(outside === undefined ? {} : { outside }),
    ...(Math.abs(sum - 1) > 1e-9 ? { sum: Number(sum.toFixed(12)) } : {}),
  };
}

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

/** Whether the expression lower-cases (so upper-case values can never match it). */
const lowerCased = (e: ExpressionNode): boolean => {
  let found = false;
  mapExpression(e, (x) => {
    if (x.kind === "CallNode" && x.name === "lower") found = true;
    return x;
  });
  return found;
};

/** A `tokens` dimension's rules and a `without` list. */
function textProblems(field: string, d: Dimension, add: Add) {
  if (d.misuse) add(field, `is ${d.misuse}`, "tokenise a text column or a scalar dimension (lower, column)");
  const t = d.tokens;
  if (t) {
    if (t.minLength !== undefined && (!Number.isInteger(t.minLength) || t.minLength < 1 || t.minLength > 100))
      add(`${field}.minLength`, `is ${t.minLength}`, "use a whole number from 1 to 100");
    for (const [i, re] of (t.drop ?? []).entries()) {
      try {
        new RegExp(re, "u");
      } catch {
        add(`${field}.drop[${i}]`, `${JSON.stringify(re)} is not a regular expression`, "fix the pattern");
      }
    }
    if (!t.tokenChars) add(`${field}.tokenChars`, "is empty", "list the characters tokens are made of");
  }
  const out = d.exclude ?? [];
  const dupes = out.filter((w, i) => out.indexOf(w) !== i);
  if (dupes.length)
    add(`${field}.without`, `lists ${JSON.stringify(dupes[0])} twice`, "remove the duplicate");
  const odd = out.find((w) => /\s/.test(w) || w.length === 0);
  if (odd !== undefined)
    add(`${field}.without`, `has ${JSON.stringify(odd)}`, "list single tokens, without spaces");
  const upper = lowerCased(d.node) ? out.find((w) => w !== w.toLowerCase()) : undefined;
  if (upper !== undefined)
    add(
      `${field}.without`,
      `has ${JSON.stringify(upper)}, which the lower-cased values never equal`,
      "list it in lower case",
    );
}

/** A side of `pairs` whose partner is missing, renamed or made of another dimension. */
function pairProblems(
  field: string,
  name: string,
  d: Dimension,
  dims: Readonly<Record<string, Dimension>>,
  add: Add,
) {
  if (!d.pair) return;
  const { first, second } = d.pair;
  if (first === second) {
    add(field, `pairs a dimension with itself ("${first}")`, "name the two sides of the pair apart");
    return;
  }
  if (name !== first && name !== second) {
    add(field, `is a side of pairs named "${first}" and "${second}"`, "keep the names pairs() gave");
    return;
  }
  const partner = name === first ? second : first;
  const other = dims[partner];
  if (other === undefined)
    add(field, `is one side of a pair without the other ("${partner}")`, `keep both ${first} and ${second}`);
  else if (
    other.pair?.first !== first ||
    other.pair.second !== second ||
    JSON.stringify(other.node) !== JSON.stringify(d.node)
  )
    add(
      field,
      `is paired with "${partner}", which is not the other side of the same pairs()`,
      "spread one pairs()",
    );
}

/** The cycle through derived measure `name` (its names, `name` first and last), if any. */
function cycleOf(measures: GeneralMetricSpec["measures"], name: string): string[] | undefined {
  const walk = (at: string, path: string[]): string[] | undefined => {
    const x = measures[at];
    if (x?.kind !== "derived") return undefined;
    for (const ref of x.refs) {
      if (ref === name) return [...path, ref];
      if (path.includes(ref)) continue;
      const found = walk(ref, [...path, ref]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(name, [name]);
}

export function generalMetricProblems(
  m: GeneralMetricSpec,
  job: JobSpec,
  reserved: ReadonlySet<string>,
  add: Add,
) {
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
    textProblems(`dimensions.${name}`, d, add);
    pairProblems(`dimensions.${name}`, name, d, m.dimensions, add);
    if (d.bucketMinutes !== undefined && job.windowMinutes % d.bucketMinutes !== 0)
      add(
        `dimensions.${name}`,
        `buckets of ${d.bucketMinutes} minutes do not divide the ${job.windowMinutes}-minute window of ${job.source}`,
        "use a bucket size that divides the window",
      );
  }
  const measures = Object.entries(m.measures);
  if (measures.length === 0) add("measures", "is empty", "declare at least one measure");
  const depths = measures.filter(([, x]) => "depth" in x) as [string, DepthMeasure][];
  for (const [name, x] of depths) {
    const { cap } = x.depth;
    if (!Number.isInteger(cap) || cap < 1 || cap > MAX_DEPTH_CAP)
      add(`measures.${name}`, `has a depth cap of ${cap}`, `use a whole number from 1 to ${MAX_DEPTH_CAP}`);
    if (JSON.stringify(x.depth) !== JSON.stringify(depths[0]![1].depth))
      add(
        `measures.${name}`,
        `differs from ${depths[0]![0]}'s reference depth`,
        "use one reference depth per metric",
      );
  }
  for (const [name, x] of measures) {
    column(`measures.${name}`, name);
    if (x.kind !== "derived") continue;
    if (x.weights) {
      const { outside, sum } = weightProblems(x.weights);
      if (outside !== undefined)
        add(`measures.${name}`, `has a weight of ${outside}`, "use weights between 0 and 1");
      if (sum !== undefined)
        add(`measures.${name}`, `has weights summing to ${sum}, not 1`, "make the weights sum to 1");
    }
    if (x.factor !== undefined && !Number.isFinite(x.factor))
      add(`measures.${name}`, `multiplies by ${x.factor}`, "use a finite number");
    for (const ref of x.refs) {
      const target = m.measures[ref];
      if (target === undefined)
        add(`measures.${name}`, `reads "${ref}", which is not a measure of the spec`, "name a measure");
      else if (x.op !== "shareOfTopic") continue;
      // A share of the topic recomputes its measure over the whole topic: an aggregate of the events.
      else if ("depth" in target)
        add(`measures.${name}`, `reads "${ref}", a reference depth`, "share a count or a sum");
      else if ("once" in target)
        add(`measures.${name}`, `reads "${ref}", a sum over distinct entities`, "share a count or a sum");
      else if (target.kind === "derived")
        add(
          `measures.${name}`,
          `reads "${ref}", which is itself derived`,
          "share an aggregate measure (count, sum, …)",
        );
    }
    const cycle = cycleOf(m.measures, name);
    if (cycle) add(`measures.${name}`, `reads itself (${cycle.join(" → ")})`, "break the cycle");
  }
  // The roll-up's stored parts (NAME_num, NAME_den) are columns too.
  for (const c of rollupColumnsOf(m.measures)) {
    const other = names.get(c.name);
    if (other)
      add(`measures.${c.of}`, `stores its roll-up in "${c.name}", the name of ${other}`, `rename ${other}`);
  }

  if (m.having) {
    if (!(m.having.by in m.measures))
      add("having.by", `"${m.having.by}" is not a measure of the spec`, "bound one of its measures");
    if (typeof m.having.atLeast !== "number" || !Number.isFinite(m.having.atLeast))
      add("having.atLeast", `is ${m.having.atLeast}`, "use a finite number");
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
