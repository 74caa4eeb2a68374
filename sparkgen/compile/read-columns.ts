/**
 * The event columns a job reads: what the events view and the classified cache keep. Every metric
 * scans the cached events, and a cache holds every column it is given (`text` is most of a
 * record), so a column no metric reads is dropped before the cache, not after.
 */
import type { ExpressionNode, QueryNode } from "../ast/index.ts";
import { EVENT_V1 } from "../schema/index.ts";
import type { JobSpec } from "../spec/kinds.ts";
import { mapQueryExpressions } from "../transforms/map-expressions.ts";

/**
 * EVENT_V1's columns (in its order) that the job's own fields or any of its metrics' `queries`
 * (compile/job.ts compiles them once) name. A name
 * is taken wherever it appears (a lambda parameter or a CTE column of the same name included), so
 * the set can only be too large, never too small.
 */
export function eventColumnsRead(job: JobSpec, queries: readonly QueryNode[]): readonly string[] {
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
  for (const q of queries) mapQueryExpressions(q, collect);
  return Object.freeze(Object.keys(EVENT_V1).filter((c) => named.has(c)));
}
