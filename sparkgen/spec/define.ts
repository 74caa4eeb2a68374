import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AlertDefinition,
  type AlertMeasures,
  type AlertSpec,
  alertFromDefinition,
} from "./alert-kind.ts";
import type { SpecCase, SpecCases } from "./cases.ts";
import type { Measure } from "./dsl.ts";
import type { AggregateSpec, InfluencerSpec, JobSettings, MetricSpec } from "./kinds.ts";
import { typedMeasures } from "./metric-dsl.ts";
import type { CheckedMeasures, Dimensions, GeneralMetricSpec, MetricMeasures } from "./metric-kind.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The repository path of a spec module, from its `import.meta.url`. */
export const specSource = (moduleUrl: string): string =>
  relative(ROOT, fileURLToPath(moduleUrl)).split("\\").join("/");

/** `draft: true` keeps a spec out of every job: it is type-checked and validated, never generated. */
interface Draft {
  readonly draft?: boolean;
}

type Def<T> = Omit<T, "kind" | "source"> & Draft;

// Every spec defined in this process, so the loader can name a spec module whose spec no job
// reaches (defined but not exported). Drafts are kept apart rather than flagged on the spec, so a
// spec's fields (printed into the manifest and constants) stay what the analyst declared.
const defined: MetricSpec[] = [];
const drafts = new WeakSet<MetricSpec>();

function register<S extends MetricSpec>(spec: S, draft: boolean | undefined): S {
  defined.push(spec);
  if (draft) drafts.add(spec);
  return spec;
}
const withoutDraft = <T extends Draft>({ draft: _, ...rest }: T): Omit<T, "draft"> => rest;

/** The metric specs defined so far (in definition order), drafts included. */
export const definedSpecs = (): readonly MetricSpec[] => [...defined];
/** Whether a spec was defined with `draft: true`. */
export const isDraft = (spec: MetricSpec): boolean => drafts.has(spec);

/** Identity helpers that fix the kind and record where the spec is declared. */
export const define = Object.freeze({
  aggregate: <M extends Readonly<Record<string, Measure>>>(
    url: string,
    s: Def<AggregateSpec<M>>,
  ): AggregateSpec<M> =>
    register(Object.freeze({ ...withoutDraft(s), kind: "aggregate", source: specSource(url) }), s.draft),
  influencer: (url: string, s: Def<InfluencerSpec>): InfluencerSpec =>
    register(Object.freeze({ ...withoutDraft(s), kind: "influencer", source: specSource(url) }), s.draft),
  /** Columns and levels are functions of the current row and the baseline, evaluated here once. */
  alert: <M extends AlertMeasures, O extends string>(
    url: string,
    s: AlertDefinition<M, O> & Draft,
  ): AlertSpec => register(alertFromDefinition(specSource(url), s), s.draft),
  /**
   * The general kind; a derived measure, `rank.by` or `having.by` naming no measure of the spec is a
   * type error. Arithmetic measures are typed here from the measures they read.
   */
  metric: <D extends Dimensions, M extends MetricMeasures & CheckedMeasures<M>>(
    url: string,
    s: Def<GeneralMetricSpec<D, M, keyof M & string>>,
  ): GeneralMetricSpec<D, M, keyof M & string> =>
    register(
      Object.freeze({
        ...withoutDraft(s),
        measures: typedMeasures(s.measures),
        kind: "metric",
        source: specSource(url),
      }) as GeneralMetricSpec<D, M, keyof M & string>,
      s.draft,
    ),
  /**
   * The job's settings. Its metrics are every spec module under `sparkgen/specs/` that is not a
   * draft, ordered by what they read (`sparkgen/load`), so a new metric is one new file.
   */
  job: (url: string, s: Omit<JobSettings, "source">): JobSettings =>
    Object.freeze({ ...s, source: specSource(url) }),
  /** A spec's test cases, declared beside it (`trends sparkgen test`; sparkgen/README.md, "Spec tests"). */
  cases: (url: string, spec: { readonly name: string }, cases: readonly SpecCase[]): SpecCases =>
    Object.freeze({ kind: "cases", spec: spec.name, source: specSource(url), cases }),
});
