/**
 * What the roll-up of each measure (spec/rollup.ts) asks of its table: the numerators and
 * denominators stored beside ratio-like measures, and the `ColumnRollup` readers follow.
 */
import type { ExpressionNode } from "../ast/index.ts";
import type { ResultType } from "../spec/dsl.ts";
import type { MetricMeasure } from "../spec/metric-kind.ts";
import { DERIVED_DENOMINATOR, NOT_ADDITIVE, rollupColumns } from "../spec/rollup.ts";
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
export function columnRollup(measures: Measures, name: string): ColumnRollup {
  const m = measures[name]!;
  const parts = rollupColumns(name);
  if (m.kind === "measure") {
    const r = m.rollup;
    return r.kind === "ratio" ? { kind: "ratio", ...parts, per: "row" } : r;
  }
  const scope = DERIVED_DENOMINATOR[m.op];
  if (scope === "none") return { kind: "none", why: NOT_ADDITIVE.score };
  const additive = m.refs.every((r) => {
    const ref = measures[r];
    return ref?.kind === "measure" && ref.rollup.kind === "sum";
  });
  if (!additive) return { kind: "none", why: NOT_ADDITIVE.refs };
  return scope === "row"
    ? { kind: "ratio", num: m.refs[0]!, den: m.refs[1]!, per: "row" }
    : { kind: "ratio", num: m.refs[0]!, den: parts.den, per: scope };
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
