/**
 * The one place that picks a spec's kind: every question about a metric (its SQL, columns, key,
 * shape, step rules) is answered by its kind's `MetricResult` (compile/result.ts).
 */
import type { QueryNode } from "../ast/index.ts";
import type { JobSpec, MetricSpec } from "../spec/kinds.ts";
import { aggregateResult } from "./aggregate.ts";
import { alertResult } from "./alert.ts";
import { influencerResult } from "./influencer.ts";
import { generalMetricResult } from "./metric.ts";
import type { MetricResult, OutputColumn } from "./result.ts";
import type { ResultShape } from "./shape.ts";

/** Everything the compiler makes of `spec` (an alert's includes what it needs of its baseline metric). */
export function compileResult(spec: MetricSpec): MetricResult {
  switch (spec.kind) {
    case "aggregate":
      return aggregateResult(spec);
    case "influencer":
      return influencerResult(spec);
    case "alert":
      return alertResult(spec, compileResult(spec.baseline.metric));
    case "metric":
      return generalMetricResult(spec);
  }
}

/** The Spark SQL tree of `spec`'s rows for the windows of `job`. */
export const compileMetric = (spec: MetricSpec, job: JobSpec): QueryNode => compileResult(spec).query(job);
/** The columns the step writes, in order (the table's `computed_at` defaults to now()). */
export const outputColumns = (spec: MetricSpec): readonly OutputColumn[] => compileResult(spec).columns;
/** The primary key of the result table (window_start and topic first). */
export const primaryKey = (spec: MetricSpec): readonly string[] => compileResult(spec).key;
/** What a reader does with the rows (compile/shape.ts). */
export const resultShape = (spec: MetricSpec): ResultShape => compileResult(spec).shape;
