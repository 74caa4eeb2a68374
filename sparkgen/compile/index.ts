/** Spec → Spark SQL tree, one compiler per spec kind, and the result columns each one yields. */
import { type QueryNode, ShareNode } from "../ast/index.ts";
import { alertColumns, SEVERITIES } from "../spec/alert-kind.ts";
import type { ResultType } from "../spec/dsl.ts";
import type { JobSpec, MetricSpec } from "../spec/kinds.ts";
import { compileAggregate } from "./aggregate.ts";
import { alertHistoryView, compileAlert } from "./alert.ts";
import { compileInfluencer } from "./influencer.ts";
import { compileMetricKind, metricColumns, metricKey } from "./metric.ts";

export { AS_OF, VIEWS } from "./common.ts";
export { CORRUPT_COLUMN, compileClassify, compileWindowEvents, TIMESTAMP_PATTERN } from "./events.ts";
export { metricShape } from "./metric.ts";
export { type ResultShape, resultShape } from "./shape.ts";
export { alertHistoryView };

export function compileMetric(spec: MetricSpec, job: JobSpec): QueryNode {
  switch (spec.kind) {
    case "aggregate":
      return compileAggregate(spec, job);
    case "influencer":
      return compileInfluencer(spec, job);
    case "alert":
      return compileAlert(spec);
    case "metric":
      return compileMetricKind(spec, job);
  }
}

/** One column of a result table: what the sql stage's migration and Kysely types must declare. */
export interface OutputColumn {
  readonly name: string;
  readonly type: ResultType;
  readonly nullable: boolean;
  /**
   * Bounds the metric's definition guarantees (a share is 0…1, a depth at most the cap): the
   * generated DDL states them as CHECK constraints, so a step that writes nonsense fails its
   * transaction. A `rank` column is ≥ 1 without saying so.
   */
  readonly min?: number;
  readonly max?: number;
  /** The only values a text column takes (an alert's severity): a union type and a CHECK. */
  readonly values?: readonly string[];
  /** Another column of the row this one never exceeds (distinct authors ≤ records): a CHECK. */
  readonly atMost?: string;
}

type Bounds = Pick<OutputColumn, "min" | "max" | "values" | "atMost">;
const column = (name: string, type: ResultType, nullable = false, bounds: Bounds = {}): OutputColumn =>
  Object.freeze({ name, type, nullable, ...bounds });

/** The columns the step writes, in order (the table's `computed_at` defaults to now()). */
export function outputColumns(spec: MetricSpec): readonly OutputColumn[] {
  const key = [
    column("window_start", "timestamptz"),
    column("window_end", "timestamptz"),
    column("topic", "text"),
  ];
  switch (spec.kind) {
    case "aggregate":
      return [
        ...key,
        ...Object.entries(spec.measures).map(([n, m]) =>
          column(n, m.type, m.nullable, ShareNode.is(m.node) ? { min: 0, max: 1 } : {}),
        ),
      ];
    case "influencer":
      return [
        ...key,
        column("author_id", "text"),
        column("username", "text"),
        column("rank", "integer"),
        column("score", "double precision", false, { min: 0, max: 1 }),
        column("tweets", "bigint"),
        column("retweets", "bigint"),
        column("favourites", "bigint"),
        column("followers", "bigint"),
        column("depth", "integer", false, { min: 0, max: spec.depthCap }),
      ];
    case "alert":
      return [
        ...key,
        column("severity", "text", false, { values: SEVERITIES }),
        ...alertColumns(spec).map((c) => column(c.name, c.type, c.nullable)),
      ];
    case "metric":
      return [
        ...key,
        ...metricColumns(spec).map(({ name, type, nullable, ...bounds }) =>
          column(name, type, nullable, bounds),
        ),
      ];
  }
}

/** The primary key of each result table (window_start and topic first). */
export function primaryKey(spec: MetricSpec): readonly string[] {
  switch (spec.kind) {
    case "influencer":
      return ["window_start", "topic", "author_id"];
    case "aggregate":
    case "alert":
      return ["window_start", "topic"];
    case "metric":
      return metricKey(spec);
  }
}
