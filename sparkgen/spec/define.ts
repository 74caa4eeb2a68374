import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type AlertDefinition, type AlertSpec, alertFromDefinition } from "./alert-kind.ts";
import type { SpecCase, SpecCases } from "./cases.ts";
import type { Measure } from "./dsl.ts";
import type { AggregateSpec, InfluencerSpec, JobSpec } from "./kinds.ts";
import type { CheckedMeasures, Dimensions, MetricKindSpec, MetricMeasures } from "./metric-kind.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The repository path of a spec module, from its `import.meta.url`. */
export const specSource = (moduleUrl: string): string =>
  relative(ROOT, fileURLToPath(moduleUrl)).split("\\").join("/");

type Def<T> = Omit<T, "kind" | "source">;

/** Identity helpers that fix the kind and record where the spec is declared. */
export const define = Object.freeze({
  aggregate: <M extends Readonly<Record<string, Measure>>>(
    url: string,
    s: Def<AggregateSpec<M>>,
  ): AggregateSpec<M> => Object.freeze({ ...s, kind: "aggregate", source: specSource(url) }),
  influencer: (url: string, s: Def<InfluencerSpec>): InfluencerSpec =>
    Object.freeze({ ...s, kind: "influencer", source: specSource(url) }),
  /** Columns and levels are functions of the current row and the baseline, evaluated here once. */
  alert: <M extends Readonly<Record<string, Measure>>, O extends string>(
    url: string,
    s: AlertDefinition<M, O>,
  ): AlertSpec => alertFromDefinition(specSource(url), s),
  /** The general kind; a derived measure or `rank.by` naming no measure of the spec is a type error. */
  metric: <D extends Dimensions, M extends MetricMeasures & CheckedMeasures<M>>(
    url: string,
    s: Def<MetricKindSpec<D, M, keyof M & string>>,
  ): MetricKindSpec<D, M, keyof M & string> =>
    Object.freeze({ ...s, kind: "metric", source: specSource(url) }),
  job: (url: string, s: Omit<JobSpec, "source">): JobSpec => Object.freeze({ ...s, source: specSource(url) }),
  /** A spec's test cases, declared beside it (`trends sparkgen test`; sparkgen/README.md, "Spec tests"). */
  cases: (url: string, spec: { readonly name: string }, cases: readonly SpecCase[]): SpecCases =>
    Object.freeze({ kind: "cases", spec: spec.name, source: specSource(url), cases }),
});
