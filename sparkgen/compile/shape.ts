/**
 * What a reader does with a metric's rows, derived from its spec: the CLI, the API and the
 * dashboard pick their generic view from this, so a new metric needs no hand-written reader.
 * `label` is the dimension column a reader shows, `by` the measure column it ranks by, `time` the
 * bucket column of a series, `value` the measure it plots.
 */
import type { MetricSpec } from "../spec/kinds.ts";
import { metricShape } from "./metric.ts";

export type ResultShape =
  | { kind: "row" }
  | { kind: "ranked"; label: string; by: string }
  | { kind: "series"; time: string; value: string }
  | { kind: "alert" };

export function resultShape(spec: MetricSpec): ResultShape {
  switch (spec.kind) {
    case "aggregate":
      return { kind: "row" };
    case "influencer":
      return { kind: "ranked", label: "username", by: "score" };
    case "alert":
      return { kind: "alert" };
    case "metric":
      return metricShape(spec);
  }
}
