/**
 * The compiled model of a job: every metric compiled once for the job's windows, and the two event
 * statements. Every generated catalog — the step plan, manifest.json, the tables module,
 * schema.json and the constants — is printed from this one model (generate.ts), never from the
 * specs again, so no two of them can disagree on a column, a key or a shape.
 */
import type { QueryNode } from "../ast/index.ts";
import type { JobSpec, MetricSpec } from "../spec/kinds.ts";
import { compileClassify, compileWindowEvents } from "./events.ts";
import { compileResult } from "./kinds.ts";
import { eventColumnsRead } from "./read-columns.ts";
import type { ReferenceDepthLoop } from "./reference-depth.ts";
import type { MetricResult } from "./result.ts";

/** One metric of the model: its spec and its kind's result, with its query for the job's windows. */
export interface CompiledMetric extends Omit<MetricResult, "query" | "referenceDepth"> {
  readonly spec: MetricSpec;
  /** The Spark SQL tree (before transforms/) of the metric's rows for the job's windows. */
  readonly query: QueryNode;
  /** The view the step's reference-depth loop registers before `query`, with its edges statement. */
  readonly referenceDepth?: ReferenceDepthLoop;
}

export interface CompiledJob {
  readonly job: JobSpec;
  /** classify_events: every input line typed and checked, with the columns the metrics read. */
  readonly classify: QueryNode;
  /** window_events: the valid, deduplicated events of each window. */
  readonly windowEvents: QueryNode;
  /** In job order. */
  readonly metrics: readonly CompiledMetric[];
}

/** Every statement the step runs for `metrics`: each one's edges statement (if any), then its own. */
const metricStatements = (metrics: readonly CompiledMetric[]): QueryNode[] =>
  metrics.flatMap((m) => (m.referenceDepth ? [m.referenceDepth.edges, m.query] : [m.query]));

/** Compiles `job` once: each metric by its kind, then the event statements for what they read. */
export function compileJob(job: JobSpec): CompiledJob {
  const metrics = job.metrics.map((spec): CompiledMetric => {
    const { referenceDepth, ...r } = compileResult(spec);
    return Object.freeze({
      ...r,
      spec,
      query: r.query(job),
      ...(referenceDepth ? { referenceDepth: referenceDepth(job) } : {}),
    });
  });
  const read = eventColumnsRead(job, metricStatements(metrics));
  return Object.freeze({
    job,
    classify: compileClassify(job, read),
    windowEvents: compileWindowEvents(job, read),
    metrics: Object.freeze(metrics),
  });
}
