/**
 * What the roll-up of each measure (spec/rollup.ts) asks of its table: the numerators and
 * denominators stored beside ratio-like measures, and the `ColumnRollup` readers follow.
 */
import type { ExpressionNode } from "../ast/index.ts";
import type { ResultType } from "../spec/dsl.ts";
import type { MetricMeasure } from "../spec/metric-kind.ts";
import { DERIVED_DENOMINATOR, NOT_ADDITIVE, REDERIVED, rollupColumns } from "../spec/rollup.ts";
import type { ColumnRollup } from "./shape.ts";

type Measures = Readonly<Record<string, MetricMeasure>>;

/** A stored part: an aggregate (its node, per group) or a derived measure's denominator (no node). */
export interface RollupColumn {
  readonly name: string;
  readonly type: ResultType;
  /** The aggregate per group, for a part of an aggregate measure. */
  readonly node?: ExpressionNode;
  /** The measure whose part this is. */
  readonly of: string;
}

/** How measure `name` of `measures` combines over windows, as readers need it. */
export function columnRollup(
  measures: Measures,
  name: string,
  seen: ReadonlySet<string> = new Set(),
): ColumnRollup {
  const m = measures[name]!;
  const parts = rollupColumns(name);
  if (m.kind === "measure") {
    const r = m.rollup;
    return r.kind === "ratio" ? { kind: "ratio", ...parts, per: "row" } : r;
  }
  if (m.op === "score") return { kind: "none", why: NOT_ADDITIVE.score };
  // What the measures it reads do (a name that is missing, or a cycle: validation reports it).
  const inner = new Set([...seen, name]);
  const refs = m.refs.map((r) =>
    measures[r] === undefined || inner.has(r) ? undefined : columnRollup(measures, r, inner),
  );
  if (refs.some((r) => r === undefined || r.kind === "none")) return { kind: "none", why: NOT_ADDITIVE.refs };
  const additive = refs.every((r) => r!.kind === "sum");
  switch (m.op) {
    case "plus":
    case "minus":
    case "times":
      return additive
        ? { kind: "sum" }
        : {
            kind: "derived",
            op: REDERIVED[m.op],
            args: [...m.refs, ...(m.factor === undefined ? [] : [m.factor])],
          };
    case "ratio":
      return additive
        ? { kind: "ratio", num: m.refs[0]!, den: m.refs[1]!, per: "row" }
        : { kind: "derived", op: REDERIVED.ratio, args: [...m.refs] };
    default: {
      // A share across the rows of a window (its topic, `*`, the tracked topics): the
      // denominator is one stored value per window, summed over them; of additive measures only.
      if (!additive) return { kind: "none", why: NOT_ADDITIVE.refs };
      const scope = DERIVED_DENOMINATOR[m.op];
      return { kind: "ratio", num: m.refs[0]!, den: parts.den, per: scope };
    }
  }
}

/** The columns stored beside the measures, in measure order: `NAME_num`, `NAME_den`. */
export function rollupColumnsOf(measures: Measures): RollupColumn[] {
  return Object.entries(measures).flatMap(([name, m]): RollupColumn[] => {
    const parts = rollupColumns(name);
    if (m.kind === "measure")
      return m.rollup.kind === "ratio"
        ? [
            { name: parts.num, type: m.rollup.num.type, node: m.rollup.num.node, of: name },
            { name: parts.den, type: m.rollup.den.type, node: m.rollup.den.node, of: name },
          ]
        : [];
    const r = columnRollup(measures, name);
    if (r.kind !== "ratio" || r.per === "row") return [];
    return [{ name: parts.den, type: measures[m.refs[0]!]!.type, of: name }];
  });
}
