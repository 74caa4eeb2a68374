import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Measure } from "./dsl.ts";
import type { AggregateSpec, AlertSpec, InfluencerSpec, JobSpec, WordSpec } from "./kinds.ts";
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
  words: (url: string, s: Def<WordSpec>): WordSpec =>
    Object.freeze({ ...s, kind: "words", source: specSource(url) }),
  alert: <M extends Readonly<Record<string, Measure>>>(url: string, s: Def<AlertSpec<M>>): AlertSpec<M> =>
    Object.freeze({ ...s, kind: "alert", source: specSource(url) }),
  /** The general kind; a derived measure or `rank.by` naming no measure of the spec is a type error. */
  metric: <D extends Dimensions, M extends MetricMeasures & CheckedMeasures<M>>(
    url: string,
    s: Def<MetricKindSpec<D, M, keyof M & string>>,
  ): MetricKindSpec<D, M, keyof M & string> =>
    Object.freeze({ ...s, kind: "metric", source: specSource(url) }),
  job: (url: string, s: Omit<JobSpec, "source">): JobSpec => Object.freeze({ ...s, source: specSource(url) }),
});
