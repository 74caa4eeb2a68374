/**
 * Typed building blocks of metric specs, bound to a record declaration. Column names are
 * checked against the declaration, and numeric aggregates accept only numeric columns:
 *
 *   const e = dsl(EVENT_V1);
 *   e.avg("sentiment_score");   // ok
 *   e.avg("text");              // compile error: "text" is not a numeric column
 *   e.avg("sentimnt_score");    // compile error: no such column
 */
import { type ExpressionNode, sql } from "../ast/index.ts";
import type { Column, NumericColumns, StringColumns } from "../schema/index.ts";

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
export type { NumericColumns, StringColumns };

/** PostgreSQL type of a result column (the sql stage's migrations must match). */
export type ResultType = "timestamptz" | "text" | "bigint" | "integer" | "double precision";

/** A boolean condition on one event. */
export interface Predicate {
  readonly kind: "predicate";
  readonly node: ExpressionNode;
}

/** An aggregate over the events of one (window, topic), with its result column type. */
export interface Measure {
  readonly kind: "measure";
  readonly node: ExpressionNode;
  readonly type: ResultType;
  readonly nullable: boolean;
}

const pred = (node: ExpressionNode): Predicate => Object.freeze({ kind: "predicate", node });
const measure = (node: ExpressionNode, type: ResultType, nullable: boolean): Measure =>
  Object.freeze({ kind: "measure", node, type, nullable });
const when = (p: Predicate | undefined, value: ExpressionNode) =>
  p ? sql.caseWhen([[p.node, value]]) : value;

export function dsl<S extends Schema>(_schema: S) {
  type Any = AnyColumn<S>;
  type Num = NumericColumns<S>;
  type Str = StringColumns<S>;
  return Object.freeze({
    isNull: (c: Any) => pred(sql.isNull(sql.col(c))),
    isNotNull: (c: Any) => pred(sql.isNotNull(sql.col(c))),
    atLeast: (c: Num, v: number) => pred(sql.op(sql.col(c), ">=", sql.lit(v))),
    atMost: (c: Num, v: number) => pred(sql.op(sql.col(c), "<=", sql.lit(v))),
    equals: (c: Str, v: string) => pred(sql.eq(sql.col(c), sql.lit(v))),
    /** NULL-safe "is not": true when the column is NULL or holds another value. */
    differsFrom: (c: Str, v: string) =>
      pred(sql.or(sql.isNull(sql.col(c)), sql.op(sql.col(c), "<>", sql.lit(v)))),
    and: (...ps: Predicate[]) => pred(sql.and(...ps.map((p) => p.node))),
    not: (p: Predicate) => pred(sql.not(p.node)),
    /** Number of events (where `where` holds). Never NULL. */
    count: (where?: Predicate) =>
      measure(where ? sql.fn("count_if", where.node) : sql.count(), "bigint", false),
    /** Number of events where column `c` is not NULL. */
    countOf: (c: Any) => measure(sql.count(sql.col(c)), "bigint", false),
    /** Mean of a numeric column over the events where `where` holds; NULL when there are none. */
    avg: (c: Num, where?: Predicate) =>
      measure(sql.fn("avg", when(where, sql.col(c))), "double precision", true),
    sum: (c: Num) => measure(sql.fn("coalesce", sql.fn("sum", sql.col(c)), sql.lit(0)), "bigint", false),
    max: (c: Num) => measure(sql.fn("max", sql.col(c)), "double precision", true),
    /** Share of the events where `of` holds that also satisfy `hit`; NULL when `of` never holds. */
    share: (hit: Predicate, of?: Predicate) =>
      measure(sql.share(hit.node, of?.node), "double precision", true),
  });
}
