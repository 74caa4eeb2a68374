/**
 * Spec → Spark SQL tree: one `MetricResult` per spec kind (kinds.ts), and the job's compiled model
 * (job.ts) that every generated file is printed from.
 */
export { alertHistoryView } from "./alert.ts";
export { AS_OF, KEY, VIEWS } from "./common.ts";
export { CORRUPT_COLUMN, TIMESTAMP_PATTERN } from "./events.ts";
export { type CompiledJob, type CompiledMetric, compileJob } from "./job.ts";
export { compileMetric, compileResult, outputColumns, primaryKey, resultShape } from "./kinds.ts";
export { metricShape } from "./metric.ts";
export { type ReferenceDepthLoop, referenceEdgesStatement } from "./reference-depth.ts";
export type { MetricResult, OutputColumn, StepRules } from "./result.ts";
export type { ResultShape } from "./shape.ts";
