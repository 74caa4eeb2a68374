/**
 * How a measure combines when a reader spans several windows: each measure constructor of the DSL
 * (dsl.ts, metric-dsl.ts) states its own, and the compiler stores what the roll-up needs beside the
 * measure. docs/contracts.md "Roll-up" states the rules.
 */
import type { ExpressionNode } from "../ast/index.ts";

/** An aggregate the table stores beside a ratio-like measure (its numerator or denominator). */
export interface RollupPart {
  readonly node: ExpressionNode;
  readonly type: "bigint" | "double precision";
}

export type Rollup =
  /** Counts and sums: Σ over the windows. */
  | { readonly kind: "sum" }
  | { readonly kind: "min" }
  | { readonly kind: "max" }
  /**
   * An average or a share: Σ num / Σ den over the windows, both stored beside the measure
   * (`NAME_num`, `NAME_den`), so a range gives what one window spanning it would.
   */
  | { readonly kind: "ratio"; readonly num: RollupPart; readonly den: RollupPart }
  /** Distinct counts, scores, depths, sums over distinct entities: a range shows them per window and says why. */
  | { readonly kind: "none"; readonly why: string };

/** Where a derived measure's denominator comes from (metric-dsl.ts `DerivedMeasure.op`). */
export const DERIVED_DENOMINATOR = {
  /** refs[1] of the same row (stored already). */
  ratio: "row",
  /** The measure over every event of the (window, topic): one value for all rows of it. */
  shareOfTopic: "topic",
  /** The catch-all topic's value or the tracked topics' sum: one value per (window, dimension values). */
  shareOfAll: "dimensions",
  shareOfTracked: "dimensions",
  /** Normalised by the window's maximum: no denominator to add. */
  score: "none",
} as const;

/**
 * How a derived measure over other measures of the row rolls up when it is not a plain ratio of
 * additive measures: arithmetic (`plus`, `minus`, `times` by a constant) of additive measures is
 * additive itself (Σ(a − b) = Σa − Σb); otherwise, and for a ratio of re-derivable measures, it is
 * re-derived from the roll-ups of the measures it reads (net sentiment over a range = the range's
 * positive share − its negative share). Any part that does not add up makes it not add up either.
 */
export const REDERIVED = { plus: "+", minus: "-", times: "*", ratio: "/" } as const;

/** Suffixes of the stored numerator and denominator of a ratio-like measure. */
export const rollupColumns = (measure: string) => ({ num: `${measure}_num`, den: `${measure}_den` });

/** Why a measure does not add up over windows, as readers say it. */
export const NOT_ADDITIVE = {
  distinct: "distinct values do not add up: one value seen in two windows is one value",
  depth: "the deepest chain of each window: chains are not followed across windows",
  score: "each window's score is normalised by that window's maximum",
  reported: "a tweet's largest reported count, repeated in every window that knows the tweet",
  refs: "it is made of measures that do not add up over windows",
  once: "each entity counts once per window: one seen in two windows would count twice",
} as const;
