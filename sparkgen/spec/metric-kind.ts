/**
 * The general metric kind: a filter, dimensions, measures and an optional top-N rank, per
 * (window, topic). docs/contracts.md "Metric language" states what each part means.
 *
 *   define.metric(import.meta.url, {
 *     name: "hashtag_window",
 *     description: "…",
 *     where: e.differsFrom("ref_type", "retweeted"),
 *     dimensions: { tag: e.explode("hashtags") },
 *     measures: { count: e.count(), authors: e.countDistinct("author_id") },
 *     rank: { top: 50, by: "count" },
 *   });
 */
import type { Measure, Predicate } from "./dsl.ts";
import type { SpecBase } from "./kinds.ts";
import type { DerivedMeasure, Dimension } from "./metric-dsl.ts";

export type Dimensions = Readonly<Record<string, Dimension>>;
export type MetricMeasure = Measure | DerivedMeasure;
export type MetricMeasures = Readonly<Record<string, MetricMeasure>>;

/** Measures whose derived entries name only measures of the same row (a misspelt name is a type error). */
export type CheckedMeasures<M> = {
  readonly [K in keyof M]: Measure | DerivedMeasure<keyof M & string>;
};

/** Top `top` rows per (window, topic) by measure `by` descending, ties by the dimensions ascending. */
export interface Rank<By extends string = string> {
  readonly top: number;
  readonly by: By;
}

/**
 * Minimum support: a row whose measure `by` is below `atLeast` (or NULL) is left out, before the
 * rank (a domain needs 5 posts before its average sentiment ranks).
 */
export interface Having<By extends string = string> {
  readonly by: By;
  readonly atLeast: number;
}

/**
 * A spec of the general kind `metric` (`define.metric`); `MetricSpec` (kinds.ts) is a spec of any
 * kind. `By`: the names `rank.by` and `having.by` may take (`define.metric` sets it to the measure
 * names).
 */
export interface GeneralMetricSpec<
  D extends Dimensions = Dimensions,
  M extends MetricMeasures = MetricMeasures,
  By extends string = string,
> extends SpecBase {
  readonly kind: "metric";
  /** Which events count (default: all of the window). */
  readonly where?: Predicate;
  /**
   * Which topics get rows: `every` (default) is the catch-all topic and each tag; `tracked` leaves
   * the catch-all topic out (share of voice is about the tracked topics).
   */
  readonly topics?: "every" | "tracked";
  /** Grouping columns besides window_start and topic, in result-column order (may be empty). */
  readonly dimensions: D;
  readonly measures: M;
  /** Rows below a minimum of one measure are left out (before the rank). */
  readonly having?: Having<By>;
  readonly rank?: Rank<By>;
}
