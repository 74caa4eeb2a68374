/** Spec → Spark SQL tree: one `MetricResult` per spec kind (kinds.ts), and the two event statements. */
export { alertHistoryView } from "./alert.ts";
export { AS_OF, KEY, VIEWS } from "./common.ts";
export { CORRUPT_COLUMN, compileClassify, compileWindowEvents, TIMESTAMP_PATTERN } from "./events.ts";
export { compileMetric, compileResult, outputColumns, primaryKey, resultShape } from "./kinds.ts";
export { metricShape } from "./metric.ts";
export type { MetricResult, OutputColumn, StepRules } from "./result.ts";
export type { ResultShape } from "./shape.ts";
