import {
  type CteNode,
  type ExpressionNode,
  type JoinNode,
  type LambdaNode,
  type LateralViewNode,
  QueryNode as Q,
  type QueryNode,
  type SelectItemNode,
  ShareNode,
  sql,
} from "../ast/index.ts";
import type { JobSpec } from "../spec/kinds.ts";
import {
  type DepthMeasure,
  type DerivedMeasure,
  type Dimension,
  REFERENCE_DEPTH_COLUMN,
} from "../spec/metric-dsl.ts";
import type { MetricKindSpec } from "../spec/metric-kind.ts";
import { mapExpression } from "../transforms/map-expressions.ts";
import { eventTopics, header, KEY, keyColumns, sameKey, VIEWS, WINDOW, windowColumns } from "./common.ts";
import type { OutputColumn } from "./index.ts";
import { referenceDepth } from "./reference-depth.ts";
import type { ResultShape } from "./shape.ts";

/** Column of dimension `name` in `dimension_rows` (prefixed: the event columns are there too). */
const dimColumn = (name: string) => `dim_${name}`;
/** The lateral view's column of an occurrence dimension's raw elements (before its value lambda). */
const elementColumn = (name: string) => `element_${name}`;
/** The left-out values of dimension `name`. */
const excludedView = (name: string) => `${name}_left_out`;

/** A one-parameter lambda's body with its parameter replaced by `arg`. */
const apply = (f: LambdaNode, arg: ExpressionNode): ExpressionNode =>
  mapExpression(f.body, (x) =>
    x.kind === "ColumnNode" && x.table === undefined && x.name === f.params[0] ? arg : x,
  );

const entries = <T>(r: Readonly<Record<string, T>>) => Object.entries(r) as [string, T][];

/** Aggregate measures first computed per group; derived ones read them afterwards. */
function split(spec: MetricKindSpec) {
  const aggregates = entries(spec.measures).filter(([, m]) => m.kind === "measure");
  const derived = entries(spec.measures).filter(([, m]) => m.kind === "derived") as [
    string,
    DerivedMeasure,
  ][];
  return { aggregates, derived };
}

/**
 * docs/contracts.md "Metric language": events of each topic that pass `where`, grouped by the
 * dimensions (an exploded dimension: each distinct element once per event), aggregated, then the
 * derived measures, then the rank. Groups without events have no row.
 */
export function compileMetricKind(spec: MetricKindSpec, job: JobSpec): QueryNode {
  const dims = entries(spec.dimensions);
  const { aggregates, derived } = split(spec);
  const ctes: CteNode[] = [eventTopics(job)];

  const scalar = dims.filter(([, d]) => !d.exploded);
  const exploded = dims.filter(([, d]) => d.exploded);
  // An exploded dimension: its elements as a lateral view; each distinct non-NULL one once per
  // event, or (tokens) every occurrence, through the dimension's value and keep lambdas.
  const element = (name: string, i: number, d: Dimension) =>
    d.elements ? apply(d.elements.value, sql.col(elementColumn(name), `d${i}`)) : sql.col(dimColumn(name));
  const lateralViews: LateralViewNode[] = exploded.map(([name, d], i) =>
    sql.lateralView(
      sql.fn(
        "explode",
        d.elements
          ? d.node
          : sql.fn(
              "array_distinct",
              sql.fn("filter", d.node, sql.lambda(["x"], sql.isNotNull(sql.col("x")))),
            ),
      ),
      `d${i}`,
      [d.elements ? elementColumn(name) : dimColumn(name)],
    ),
  );
  const conditions = [
    ...(spec.where ? [spec.where.node] : []),
    ...scalar.filter(([, d]) => d.nullable).map(([, d]) => sql.isNotNull(d.node)),
    ...exploded.flatMap(([name, d], i) =>
      d.elements?.keep ? [apply(d.elements.keep, element(name, i, d))] : [],
    ),
  ];
  const dimNames = dims.map(([n]) => n);
  // A depth measure: the reference chains of the window (a library operator, as influencers use),
  // joined to each record as REFERENCE_DEPTH_COLUMN. Validation allows one depth per metric.
  const depth = aggregates.map(([, m]) => (m as Partial<DepthMeasure>).depth).find((d) => d !== undefined);
  const depthJoins: JoinNode[] = [];
  if (depth) {
    const chains = referenceDepth({ from: "event_topics", ...depth, partition: KEY });
    ctes.push(...chains.ctes);
    depthJoins.push(
      sql.join(
        "LEFT",
        sql.table(chains.view, "rd"),
        sql.and(sameKey("rd", "e"), sql.eq("rd.tweet_id", `e.${depth.id}`)),
      ),
    );
  }
  // Without dimensions, a filter or a depth, the groups read event_topics directly.
  let rows = dims.length || spec.where || depth ? "dimension_rows" : "event_topics";
  if (rows === "dimension_rows") {
    const notes = [
      ...(exploded.some(([, d]) => !d.elements)
        ? ["each distinct element of an exploded dimension once per event"]
        : []),
      ...(exploded.some(([, d]) => d.elements) ? ["every token, repeats included"] : []),
      ...(scalar.some(([, d]) => d.nullable) ? ["events whose value is NULL left out"] : []),
    ];
    ctes.push(
      sql.cte(
        "dimension_rows",
        `the events of each topic${spec.where ? " that pass the filter" : ""}${dims.length ? `, with ${dimNames.join(", ")}` : ""}${notes.length ? ` (${notes.join("; ")})` : ""}`,
        sql.select(
          [
            sql.star("e"),
            ...scalar.map(([n, d]) => sql.as(d.node, dimColumn(n))),
            ...exploded.map(([n, d], i) =>
              d.elements ? sql.as(element(n, i, d), dimColumn(n)) : dimColumn(n),
            ),
            ...(depth ? [sql.as(sql.fn("coalesce", "rd.depth", sql.lit(0)), REFERENCE_DEPTH_COLUMN)] : []),
          ],
          {
            from: sql.table("event_topics", "e"),
            joins: depthJoins,
            lateralViews,
            ...(conditions.length ? { where: sql.and(...conditions) } : {}),
          },
        ),
      ),
    );
  }
  // Left-out values (stop words): a literal list per dimension, anti-joined.
  const excluding = dims.filter(([, d]) => d.exclude?.length);
  if (excluding.length) {
    for (const [name, d] of excluding)
      ctes.push(
        sql.cte(
          excludedView(name),
          `the values of ${name} left out (${d.exclude!.length})`,
          sql.select([
            sql.as(sql.fn("explode", sql.fn("array", ...d.exclude!.map((w) => sql.lit(w)))), "value"),
          ]),
        ),
      );
    ctes.push(
      sql.cte(
        "kept_rows",
        `those rows without the left-out values of ${excluding.map(([n]) => n).join(", ")}`,
        sql.select([sql.star("d")], {
          from: sql.table(rows, "d"),
          joins: excluding.map(([name], i) =>
            sql.join(
              "LEFT ANTI",
              sql.table(excludedView(name), `x${i}`),
              sql.eq(`x${i}.value`, `d.${dimColumn(name)}`),
            ),
          ),
        }),
      ),
    );
    rows = "kept_rows";
  }
  const groupKeys = [...KEY, ...dimNames.map(dimColumn)].map((c) => sql.col(c));
  ctes.push(
    sql.cte(
      "grouped",
      `the aggregate measures per window and topic${dims.length ? ` and ${dimNames.join(", ")}` : ""}`,
      sql.select(
        [
          ...KEY,
          ...dimNames.map((n) => sql.as(dimColumn(n), n)),
          ...aggregates.map(([n, m]) => sql.as((m as { node: ExpressionNode }).node, n)),
        ],
        { from: sql.table(rows), groupBy: groupKeys },
      ),
    ),
  );

  // Topic totals of the measures a shareOfTopic reads: the same aggregate over the topic's events.
  const totals = [...new Set(derived.filter(([, m]) => m.op === "shareOfTopic").map(([, m]) => m.refs[0]!))];
  if (totals.length)
    ctes.push(
      sql.cte(
        "topic_totals",
        `${totals.join(", ")} over every event of the window and topic${spec.where ? " that passes the filter" : ""}`,
        sql.select(
          [...KEY, ...totals.map((n) => sql.as((spec.measures[n] as { node: ExpressionNode }).node, n))],
          {
            from: sql.table("event_topics"),
            ...(spec.where ? { where: spec.where.node } : {}),
            groupBy: keyColumns(),
          },
        ),
      ),
    );
  let last = "grouped";
  if (derived.length) {
    const safe = (n: ExpressionNode, d: ExpressionNode) => sql.op(n, "/", sql.fn("nullif", d, sql.lit(0)));
    // A share across topics: the same dimension values in the same window.
    const partition = [...WINDOW, ...dimNames].map((n) => sql.col(n, "g"));
    const derivedNode = (m: DerivedMeasure): ExpressionNode => {
      const a = sql.col(m.refs[0]!, "g");
      switch (m.op) {
        case "ratio":
          return safe(a, sql.col(m.refs[1]!, "g"));
        case "shareOfTopic":
          return safe(a, sql.col(m.refs[0]!, "t"));
        case "shareOfAll":
          return safe(
            a,
            sql.over(
              sql.fn("max", sql.caseWhen([[sql.eq("g.topic", sql.lit(job.topics.all)), a]])),
              partition,
            ),
          );
        case "score":
          return sql.weightedScore(
            m.refs.map((r, i) => [m.weights![i]!, sql.col(r, "g")] as const),
            keyColumns("g"),
          );
        case "shareOfTracked":
          return safe(
            a,
            sql.over(
              sql.fn("sum", sql.caseWhen([[sql.op("g.topic", "<>", sql.lit(job.topics.all)), a]])),
              partition,
            ),
          );
      }
    };
    ctes.push(
      sql.cte(
        "measured",
        `the derived measures: ${derived.map(([n]) => n).join(", ")} (NULL when the denominator is 0 or NULL)`,
        sql.select([sql.star("g"), ...derived.map(([n, m]) => sql.as(derivedNode(m), n))], {
          from: sql.table("grouped", "g"),
          joins: totals.length ? [sql.join("LEFT", sql.table("topic_totals", "t"), sameKey("t", "g"))] : [],
        }),
      ),
    );
    last = "measured";
  }
  if (spec.rank) {
    ctes.push(
      sql.cte(
        "ranked",
        `rank by ${spec.rank.by} descending${dims.length ? `, then ${dimNames.join(", ")} ascending` : ""}`,
        sql.select(
          [
            sql.star(),
            sql.as(
              sql.over(
                sql.fn("row_number"),
                [...KEY],
                [sql.desc(spec.rank.by), ...dimNames.map((n) => sql.asc(n))],
              ),
              "rank",
            ),
          ],
          { from: sql.table(last) },
        ),
      ),
    );
    last = "ranked";
  }
  const keep = [
    ...(spec.rank ? [sql.op("r.rank", "<=", spec.rank.top)] : []),
    ...(spec.topics === "tracked" ? [sql.op("r.topic", "<>", sql.lit(job.topics.all))] : []),
  ];
  const columns: SelectItemNode[] = [
    ...windowColumns("r"),
    ...["topic", ...dimNames, ...Object.keys(spec.measures), ...(spec.rank ? ["rank"] : [])].map((n) =>
      sql.as(`r.${n}`, n),
    ),
  ];
  const body = sql.select(columns, {
    from: sql.table(last, "r"),
    ...(keep.length ? { where: sql.and(...keep) } : {}),
  });
  return Q.create(
    header(spec.source, spec.name, spec.description, `${VIEWS.events} and ${VIEWS.params}`),
    ctes,
    body,
  );
}

/** Result columns after window_start, window_end and topic: the dimensions, the measures, the rank. */
export function metricColumns(spec: MetricKindSpec): OutputColumn[] {
  const rows = entries(spec.measures).find(([, m]) => countsRows(m))?.[0];
  return [
    ...entries(spec.dimensions).map(([name, d]) => ({ name, type: d.type, nullable: false })),
    ...entries(spec.measures).map(([name, m]) => ({
      name,
      type: m.type,
      nullable: m.nullable,
      ...(isShare(m) ? { min: 0, max: 1 } : countsRows(m) ? { min: 1 } : {}),
      ...(rows !== undefined && countsSome(m) ? { atMost: rows } : {}),
    })),
    ...(spec.rank ? [{ name: "rank", type: "integer" as const, nullable: false }] : []),
  ];
}

/**
 * A share is a part over a whole that contains it (`share`; a measure over its topic, over the
 * catch-all topic, or over the sum of the tracked topics), so 0…1: the DDL states it as a CHECK,
 * as for the aggregate kind's shares. A ratio of two measures has no such bound.
 */
const isShare = (m: MetricKindSpec["measures"][string]): boolean =>
  m.kind === "derived" ? m.op !== "ratio" : ShareNode.is(m.node);

/** The count call of a counting measure (`count(…)`, `count_if(…)`), else undefined. */
const countCall = (m: MetricKindSpec["measures"][string]) =>
  m.kind === "measure" &&
  m.node.kind === "CallNode" &&
  (m.node.name === "count" || m.node.name === "count_if")
    ? m.node
    : undefined;

/** `count()` of a group's rows (`count(1)`): a group exists only for its rows, so it is at least 1. */
const countsRows = (m: MetricKindSpec["measures"][string]): boolean => {
  const c = countCall(m);
  return c?.name === "count" && !c.distinct && c.args.length === 1 && c.args[0]!.kind === "LiteralNode";
};

/** A count of some of a group's rows (a filter, non-NULL or distinct values): at most `count()`. */
const countsSome = (m: MetricKindSpec["measures"][string]): boolean =>
  countCall(m) !== undefined && !countsRows(m);

export const metricKey = (spec: MetricKindSpec): string[] => [
  "window_start",
  "topic",
  ...Object.keys(spec.dimensions),
];

/**
 * How a reader shows the metric: a ranked list (label = the first text dimension), a time series
 * (the bucket dimension against the first measure), or plain rows.
 */
export function metricShape(spec: MetricKindSpec): ResultShape {
  const dims = entries(spec.dimensions);
  if (spec.rank) {
    const label = dims.find(([, d]) => d.type === "text") ?? dims[0];
    return { kind: "ranked", label: label ? label[0] : "topic", by: spec.rank.by };
  }
  const time = dims.find(([, d]) => d.bucketMinutes !== undefined);
  const value = Object.keys(spec.measures)[0];
  if (time && value) return { kind: "series", time: time[0], value };
  return { kind: "row" };
}
