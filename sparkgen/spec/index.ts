/** The typed spec language: DSL, spec kinds, definers and validation. */
export {
  ALERT_BOUND_COLUMNS,
  type AlertColumn,
  type AlertCondition,
  type AlertSpec,
  type AlertValue,
  alertBound,
  alertColumns,
  alertMath,
  alertRule,
  alertSourceColumns,
  type Baseline,
  baseline,
  baselineDimensions,
  SEVERITIES,
  type Severity,
} from "./alert-kind.ts";
export {
  type CaseEvent,
  type CaseValue,
  DEFAULT_CASE_START,
  type ExpectedRow,
  isSpecCases,
  type SpecCase,
  type SpecCases,
} from "./cases.ts";
export { define, definedSpecs, isDraft, specSource } from "./define.ts";
export {
  type AnyColumn,
  type ArrayColumns,
  dsl,
  type Measure,
  type NumericColumns,
  type Predicate,
  type ResultType,
  type Schema,
  type StringColumns,
  type TimestampColumns,
} from "./dsl.ts";
export type {
  AggregateSpec,
  InfluencerColumns,
  InfluencerSpec,
  InfluencerWeights,
  JobSettings,
  JobSpec,
  MetricSpec,
} from "./kinds.ts";
export type { BucketSize, DerivedMeasure, Dimension } from "./metric-dsl.ts";
export type { Dimensions, GeneralMetricSpec, MetricMeasure, MetricMeasures, Rank } from "./metric-kind.ts";
export { assertValidJob, type SpecProblem, specProblems } from "./validate.ts";
