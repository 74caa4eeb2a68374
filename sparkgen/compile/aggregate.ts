import { QueryNode as Q, type QueryNode, ShareNode, sql } from "../ast/index.ts";
import type { AggregateSpec, JobSpec } from "../spec/kinds.ts";
import { eventTopics, header, KEY, keyColumns, sameKey, VIEWS, WINDOW, windowColumns } from "./common.ts";
import { column, type MetricResult, resultOf, TABLE_KEY } from "./result.ts";
import { columnRollup, rollupColumnsOf } from "./rollup.ts";

/** An aggregate: one row per window and topic, its measures as columns (a share is 0…1), shown as a row. */
export const aggregateResult = (spec: AggregateSpec): MetricResult =>
  resultOf({
    query: (job) => compileAggregate(spec, job),
    columns: [
      ...Object.entries(spec.measures).map(([n, m]) =>
        column(n, m.type, m.nullable, {
          ...(ShareNode.is(m.node) ? { min: 0, max: 1 } : {}),
          rollup: columnRollup(spec.measures, n),
        }),
      ),
      // Stored for the roll-up; NULL in rows written before they existed.
      ...rollupColumnsOf(spec.measures).map((c) => column(c.name, c.type, true)),
    ],
    key: TABLE_KEY,
    shape: { kind: "row" },
  });

/**
 * Aggregates per window and topic, then one row per topic of each window: the catch-all topic
 * always has a row, so an empty window still says "0 tweets" instead of saying nothing.
 */
export function compileAggregate(spec: AggregateSpec, job: JobSpec): QueryNode {
  const names = Object.keys(spec.measures);
  const parts = rollupColumnsOf(spec.measures);
  const measures = sql.cte(
    "topic_measures",
    "the measures of each topic that has events",
    sql.select(
      [
        ...KEY,
        ...names.map((n) => sql.as(spec.measures[n]!.node, n)),
        ...parts.map((c) => sql.as(c.node!, c.name)),
      ],
      {
        from: sql.table("event_topics"),
        groupBy: keyColumns(),
      },
    ),
  );
  const topics = sql.cte(
    "window_topics",
    `every topic of each window, and '${job.topics.all}' even when the window has no events`,
    sql.unionDistinct([
      sql.select([...WINDOW, sql.as(sql.lit(job.topics.all), "topic")], { from: sql.table(VIEWS.params) }),
      sql.select([...KEY], { from: sql.table("topic_measures") }),
    ]),
  );
  const body = sql.select(
    [
      ...windowColumns("t"),
      "t.topic",
      ...names.map((n) =>
        spec.measures[n]!.nullable ? sql.as(`m.${n}`, n) : sql.as(sql.fn("coalesce", `m.${n}`, 0), n),
      ),
      // A window without events has 0 of each part, not NULL (NULL: not stored).
      ...parts.map((c) => sql.as(sql.fn("coalesce", `m.${c.name}`, 0), c.name)),
    ],
    {
      from: sql.table("window_topics", "t"),
      joins: [sql.join("LEFT", sql.table("topic_measures", "m"), sameKey("m", "t"))],
    },
  );
  return Q.create(
    header(spec.source, spec.name, spec.description, `${VIEWS.events} and ${VIEWS.params}`),
    [eventTopics(job), measures, topics],
    body,
  );
}
