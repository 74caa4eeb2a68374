/**
 * Typed building blocks of metric specs, bound to a record declaration. Column names are
 * checked against the declaration, and numeric aggregates accept only numeric columns:
 *
 *   const e = dsl(EVENT_V1);
 *   e.avg("sentiment_score");   // ok
 *   e.avg("text");              // compile error: "text" is not a numeric column
 *   e.avg("sentimnt_score");    // compile error: no such column
 *
 * The dimensions and the measures over measures of the general `metric` kind come from
 * `metric-dsl.ts` and are part of the same object.
 */
import { type ExpressionNode, sql } from "../ast/index.ts";
import type { Column, NumericColumns, StringColumns, ValuesOf } from "../schema/index.ts";
import { derivedDsl, dimensionDsl } from "./metric-dsl.ts";
import { NOT_ADDITIVE, type Rollup, type RollupPart } from "./rollup.ts";

export type Schema = Readonly<Record<string, Column>>;
export type AnyColumn<S extends Schema> = keyof S & string;
export type TimestampColumns<S extends Schema> = {
  [K in keyof S]: S[K]["type"] extends "timestamp" ? K : never;
}[keyof S] &
  string;
export type ArrayColumns<S extends Schema> = {
  [K in keyof S]: S[K]["type"] extends "string_array" ? K : never;
}[keyof S] &
  string;
/** Array columns every record has (the topic column cannot be an optional one). */
export type RequiredArrayColumns<S extends Schema> = {
  [K in keyof S]: S[K]["type"] extends "string_array" ? (S[K]["nullable"] extends false ? K : never) : never;
}[keyof S] &
  string;
/** Plain text columns (not timestamps): what a text dimension, `lower` or `hostOf` takes. */
export type TextColumns<S extends Schema> = {
  [K in keyof S]: S[K]["type"] extends "string" ? K : never;
}[keyof S] &
  string;
export type { NumericColumns, StringColumns };

/** PostgreSQL type of a result column (the sql stage's migrations must match). */
/** `boolean`: an alert column that stores whether a condition held (spec/alert-kind.ts). */
export type ResultType = "timestamptz" | "text" | "bigint" | "integer" | "double precision" | "boolean";

/** A boolean condition on one event. */
export interface Predicate {
  readonly kind: "predicate";
  readonly node: ExpressionNode;
}

/** An aggregate over the events of one group, with its result column type. */
export interface Measure<T extends ResultType = ResultType> {
  readonly kind: "measure";
  readonly node: ExpressionNode;
  readonly type: T;
  readonly nullable: boolean;
  /** How it combines over several windows (rollup.ts); each constructor below states it. */
  readonly rollup: Rollup;
}

/** The result type of sum/min/max of a numeric column: integers stay integers. */
export type NumericResult<C extends Column> = C["type"] extends "double" ? "double precision" : "bigint";

const pred = (node: ExpressionNode): Predicate => Object.freeze({ kind: "predicate", node });
const measure = <T extends ResultType>(
  node: ExpressionNode,
  type: T,
  nullable: boolean,
  rollup: Rollup = SUMS,
): Measure<T> => Object.freeze({ kind: "measure", node, type, nullable, rollup });
const SUMS: Rollup = Object.freeze({ kind: "sum" });
const part = (node: ExpressionNode, type: RollupPart["type"]): RollupPart => Object.freeze({ node, type });
/** Σ num / Σ den over the windows. */
const ratioOf = (num: RollupPart, den: RollupPart): Rollup => Object.freeze({ kind: "ratio", num, den });
const MIN: Rollup = Object.freeze({ kind: "min" });
const MAX: Rollup = Object.freeze({ kind: "max" });
const DISTINCT: Rollup = Object.freeze({
  kind: "none",
  why: NOT_ADDITIVE.distinct,
});
const when = (p: Predicate | undefined, value: ExpressionNode) =>
  p ? sql.caseWhen([[p.node, value]]) : value;

/** Comparison operators of `compare`. */
export type Comparison = "=" | "<>" | "<" | "<=" | ">" | ">=";

export function dsl<S extends Schema>(schema: S) {
  type Any = AnyColumn<S>;
  type Num = NumericColumns<S>;
  type Str = StringColumns<S>;
  /** A literal a string column can equal: one of its declared `values` (`ref_type`), any string otherwise. */
  type Lit<C extends Str> = ValuesOf<S[C]>;
  const numericResult = <C extends Num>(c: C) =>
    (schema[c]?.type === "double" ? "double precision" : "bigint") as NumericResult<S[C]>;
  return Object.freeze({
    isNull: (c: Any) => pred(sql.isNull(sql.col(c))),
    isNotNull: (c: Any) => pred(sql.isNotNull(sql.col(c))),
    atLeast: (c: Num, v: number) => pred(sql.op(sql.col(c), ">=", sql.lit(v))),
    atMost: (c: Num, v: number) => pred(sql.op(sql.col(c), "<=", sql.lit(v))),
    /** `c op v`: numbers for numeric columns, strings (ISO-8601 for timestamps) otherwise. NULL is false. */
    compare: <C extends Num | Str>(c: C, o: Comparison, v: C extends Num ? number : string) =>
      pred(sql.op(sql.col(c), o, sql.lit(v))),
    /** `lo <= c AND c <= hi` (both ends included). */
    between: (c: Num, lo: number, hi: number) =>
      pred(sql.and(sql.op(sql.col(c), ">=", sql.lit(lo)), sql.op(sql.col(c), "<=", sql.lit(hi)))),
    /** `c = v`; for a column declared with `values`, `v` must be one of them. */
    equals: <C extends Str>(c: C, v: Lit<C>) => pred(sql.eq(sql.col(c), sql.lit(v))),
    /** One of the listed values (NULL is none of them); a column's declared `values` bound them. */
    in: <C extends Num | Str>(
      c: C,
      values: readonly (C extends Num ? number : C extends Str ? Lit<C> : never)[],
    ) =>
      pred(
        sql.inList(
          sql.col(c),
          values.map((v) => sql.lit(v)),
        ),
      ),
    /** A Java regular expression found anywhere in the column (`RLIKE`; anchor with ^…$). NULL is false. */
    matches: (c: Str, javaRegex: string) => pred(sql.op(sql.col(c), "RLIKE", sql.lit(javaRegex))),
    /** NULL-safe "is not": true when the column is NULL or holds another value. */
    differsFrom: <C extends Str>(c: C, v: Lit<C>) =>
      pred(sql.or(sql.isNull(sql.col(c)), sql.op(sql.col(c), "<>", sql.lit(v)))),
    and: (...ps: Predicate[]) => pred(sql.and(...ps.map((p) => p.node))),
    or: (...ps: Predicate[]) => pred(sql.or(...ps.map((p) => p.node))),
    not: (p: Predicate) => pred(sql.not(p.node)),
    /** Number of events (where `where` holds). Never NULL. */
    count: (where?: Predicate) =>
      measure(where ? sql.fn("count_if", where.node) : sql.count(), "bigint", false),
    /** Number of events where `p` holds (`count(p)` under a name that reads as a measure). */
    countIf: (p: Predicate) => measure(sql.fn("count_if", p.node), "bigint", false),
    /** Number of events where column `c` is not NULL. */
    countOf: (c: Any) => measure(sql.count(sql.col(c)), "bigint", false),
    /** Exact number of distinct non-NULL values of `c`. */
    countDistinct: (c: Any) => measure(sql.countDistinct(sql.col(c)), "bigint", false, DISTINCT),
    /** Mean of a numeric column over the events where `where` holds; NULL when there are none. */
    avg: (c: Num, where?: Predicate) => {
      const x = when(where, sql.col(c));
      return measure(
        sql.fn("avg", x),
        "double precision",
        true,
        ratioOf(
          part(sql.fn("coalesce", sql.fn("sum", x), sql.lit(0)), numericResult(c) as RollupPart["type"]),
          part(sql.count(x), "bigint"),
        ),
      );
    },
    /** Total of a numeric column, 0 when there is none: bigint for integer columns, double for doubles. */
    sum: <C extends Num>(c: C) =>
      measure(sql.fn("coalesce", sql.fn("sum", sql.col(c)), sql.lit(0)), numericResult(c), false),
    /** Smallest value (NULL when every value is NULL), typed like the column. */
    min: <C extends Num>(c: C) => measure(sql.fn("min", sql.col(c)), numericResult(c), true, MIN),
    /** Largest value (NULL when every value is NULL), typed like the column. */
    max: <C extends Num>(c: C) => measure(sql.fn("max", sql.col(c)), numericResult(c), true, MAX),
    /** Share of the events where `of` holds that also satisfy `hit`; NULL when `of` never holds. */
    share: (hit: Predicate, of?: Predicate) =>
      measure(
        sql.share(hit.node, of?.node),
        "double precision",
        true,
        ratioOf(
          part(sql.fn("count_if", of ? sql.and(of.node, hit.node) : hit.node), "bigint"),
          part(of ? sql.fn("count_if", of.node) : sql.count(), "bigint"),
        ),
      ),
    ...dimensionDsl(schema),
    ...derivedDsl(),
  });
}
