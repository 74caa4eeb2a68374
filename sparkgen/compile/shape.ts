/**
 * What a reader does with a metric's rows, derived from its spec: the CLI, the API and the
 * dashboard pick their generic view from this, so a new metric needs no hand-written reader.
 * `label` is the dimension column a reader shows, `by` the measure column it ranks by, `time` the
 * bucket column of a series, `value` the measure it plots. Each kind states its shape in its
 * `MetricResult` (compile/kinds.ts `resultShape`).
 */
export type ResultShape =
  | { kind: "row" }
  | { kind: "ranked"; label: string; by: string }
  | { kind: "series"; time: string; value: string }
  | { kind: "alert" };
