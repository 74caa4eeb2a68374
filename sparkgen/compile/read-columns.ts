/**
 * The event columns a job reads: what the events view and the classified cache keep. Every metric
 * scans the cached events, and a cache holds every column it is given (`text` is most of a
 * record), so a column no metric reads is dropped before the cache, not after.
 */
import type { ExpressionNode } from "../ast/index.ts";
import { EVENT_V1 } from "../schema/index.ts";
import type { JobSpec } from "../spec/kinds.ts";
import { mapQueryExpressions } from "../transforms/map-expressions.ts";
import { compileMetric } from "./kinds.ts";

/**
 * EVENT_V1's columns (in its order) that the job's own fields or any metric's query name. A name
 * is taken wherever it appears (a lambda parameter or a CTE column of the same name included), so
 * the set can only be too large, never too small.
 */
export function eventColumnsRead(job: JobSpec): readonly string[] {
  // classify and window_events both ask, for every generate and lineage walk: compile the metrics once per job.
  const known = READ.get(job);
  if (known) return known;
  const named = new Set<string>([
    job.eventTime,
    job.dedup.key,
    job.dedup.latest,
    ...job.dedup.ties,
    job.topics.column,
  ]);
  const collect = (e: ExpressionNode): ExpressionNode => {
    if (e.kind === "ColumnNode") named.add(e.name);
    return e;
  };
  for (const m of job.metrics) mapQueryExpressions(compileMetric(m, job), collect);
  const read = Object.freeze(Object.keys(EVENT_V1).filter((c) => named.has(c)));
  READ.set(job, read);
  return read;
}

const READ = new WeakMap<JobSpec, readonly string[]>();
