import {
  type CteNode,
  type ExpressionNode,
  type JoinNode,
  type LambdaNode,
  type LateralViewNode,
  QueryNode as Q,
  type QueryNode,
  type SelectItemNode,
  type SelectNode,
  ShareNode,
  sql,
} from "../ast/index.ts";
import type { JobSpec } from "../spec/kinds.ts";
import {
  ARITHMETIC,
  type DepthMeasure,
  type DerivedMeasure,
  type Dimension,
  type OnceMeasure,
  REFERENCE_DEPTH_COLUMN,
} from "../spec/metric-dsl.ts";
import type { GeneralMetricSpec } from "../spec/metric-kind.ts";
import { mapExpression } from "../transforms/map-expressions.ts";
import {
  eventTopics,
  header,
  KEY,
  keyColumns,
  rankedRows,
  sameKey,
  topicsView,
  VIEWS,
  WINDOW,
  windowColumns,
} from "./common.ts";
import { REFERENCE_DEPTH_VIEW, referenceDepth } from "./reference-depth.ts";
import { column, type MetricResult, type OutputColumn, resultOf, TABLE_KEY } from "./result.ts";
import { columnRollup, rollupColumnsOf } from "./rollup.ts";
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

/**
 * A spec's parts as the stages read them: dimensions (scalar ones computed per event, exploded
 * ones through a lateral view) and measures (aggregate ones per group, derived ones after).
 */
export interface MetricParts {
  readonly spec: GeneralMetricSpec;
  readonly dims: readonly [string, Dimension][];
  readonly dimNames: readonly string[];
  readonly scalar: readonly [string, Dimension][];
  readonly exploded: readonly [string, Dimension][];
  readonly aggregates: readonly [string, GeneralMetricSpec["measures"][string]][];
  readonly derived: readonly [string, DerivedMeasure][];
}

export function metricParts(spec: GeneralMetricSpec): MetricParts {
  const dims = entries(spec.dimensions);
  const aggregates = entries(spec.measures).filter(([, m]) => m.kind === "measure");
  const derived = entries(spec.measures).filter(([, m]) => m.kind === "derived") as [
    string,
    DerivedMeasure,
  ][];
  return {
    spec,
    dims,
    dimNames: dims.map(([n]) => n),
    scalar: dims.filter(([, d]) => !d.exploded),
    exploded: dims.filter(([, d]) => d.exploded),
    aggregates,
    derived,
  };
}

/**
 * What a stage adds to the query: its CTEs (none when the spec does not need it) and the relation
 * the next stage reads (`from` unchanged when it added none).
 */
export interface Stage {
  readonly ctes: readonly CteNode[];
  readonly rows: string;
}

/** A CTE stage of the metric kind: from the parts and the relation before it, its CTEs. */
export type MetricStage = (p: MetricParts, job: JobSpec, from: string) => Stage;

/** The metric's reference-depth measure (at most one: validation), if it has one. */
const referenceDepthOf = (p: MetricParts) =>
  p.aggregates.map(([, m]) => (m as Partial<DepthMeasure>).depth).find((d) => d !== undefined);

/**
 * The events a group is made of: each event of a topic that passes `where`, with its dimension
 * values (an exploded dimension: its elements through a lateral view; each distinct non-NULL one
 * once per event, or, for tokens, every occurrence through the dimension's value and keep lambdas)
 * and its reference depth. Without dimensions, a filter or a depth, the groups read `from`
 * (event_topics) directly.
 *
 * With an exploded dimension (and no depth, whose join is per topic), the events are exploded
 * into their elements first and into their topics last: the same rows, but a record's text is
 * tokenised once, not once per topic. A token's value is computed once, inside the exploded
 * array (`transform`), and its keep condition reads it.
 */
export const dimensionRows: MetricStage = (p, job, from) => {
  const { spec, dims, dimNames, scalar, exploded } = p;
  const depth = referenceDepthOf(p);
  const topicsLast = exploded.length > 0 && !depth;
  const pairs = exploded.flatMap(([name, d]) => (d.pair?.first === name ? [d.pair] : []));
  const element = (name: string, i: number, d: Dimension) =>
    d.elements ? sql.col(elementColumn(name), `d${i}`) : sql.col(dimColumn(name));
  const lateralViews: LateralViewNode[] = exploded.map(([name, d], i) =>
    sql.lateralView(
      sql.fn(
        "explode",
        d.elements
          ? sql.fn("transform", d.node, d.elements.value)
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
    // pairs(): each unordered pair of distinct elements once, in one order.
    ...pairs.map(({ first, second }) => sql.op(dimColumn(first), "<", dimColumn(second))),
  ];
  if (!dims.length && !spec.where && !depth) return { ctes: [], rows: from };
  // A depth measure: the depths the step's loop registers (compile/reference-depth.ts, as for
  // influencers), joined to each record as REFERENCE_DEPTH_COLUMN. One depth per metric (validation).
  const depthJoins: JoinNode[] = depth
    ? [
        sql.join(
          "LEFT",
          sql.table(REFERENCE_DEPTH_VIEW, "rd"),
          sql.and(sameKey("rd", "e"), sql.eq("rd.tweet_id", `e.${depth.id}`)),
        ),
      ]
    : [];
  const notes = [
    ...(exploded.some(([, d]) => !d.elements)
      ? ["each distinct element of an exploded dimension once per event"]
      : []),
    ...(exploded.some(([, d]) => d.elements) ? ["every token, repeats included"] : []),
    ...pairs.map(({ first, second }) => `each pair once, ${first} < ${second}`),
    ...(scalar.some(([, d]) => d.nullable) ? ["events whose value is NULL left out"] : []),
  ];
  const rows = sql.cte(
    "dimension_rows",
    `the events of each topic${spec.where ? " that pass the filter" : ""}${dims.length ? `, with ${dimNames.join(", ")}` : ""}${notes.length ? ` (${notes.join("; ")})` : ""}`,
    sql.select(
      [
        sql.star("e"),
        ...(topicsLast ? ["t.topic"] : []),
        ...scalar.map(([n, d]) => sql.as(d.node, dimColumn(n))),
        ...exploded.map(([n, d], i) => (d.elements ? sql.as(element(n, i, d), dimColumn(n)) : dimColumn(n))),
        ...(depth ? [sql.as(sql.fn("coalesce", "rd.depth", sql.lit(0)), REFERENCE_DEPTH_COLUMN)] : []),
      ],
      {
        from: sql.table(topicsLast ? VIEWS.events : from, "e"),
        joins: depthJoins,
        lateralViews: topicsLast ? [...lateralViews, topicsView(job)] : lateralViews,
        ...(conditions.length ? { where: sql.and(...conditions) } : {}),
      },
    ),
  );
  return { ctes: [rows], rows: "dimension_rows" };
};

/** Left-out values (stop words): a literal list per dimension, anti-joined. */
export const keptRows: MetricStage = (p, _job, from) => {
  const excluding = p.dims.filter(([, d]) => d.exclude?.length);
  if (!excluding.length) return { ctes: [], rows: from };
  const lists = excluding.map(([name, d]) =>
    sql.cte(
      excludedView(name),
      `the values of ${name} left out (${d.exclude!.length})`,
      sql.select([sql.as(sql.fn("explode", sql.fn("array", ...d.exclude!.map((w) => sql.lit(w)))), "value")]),
    ),
  );
  const kept = sql.cte(
    "kept_rows",
    `those rows without the left-out values of ${excluding.map(([n]) => n).join(", ")}`,
    sql.select([sql.star("d")], {
      from: sql.table(from, "d"),
      joins: excluding.map(([name], i) =>
        sql.join(
          "LEFT ANTI",
          sql.table(excludedView(name), `x${i}`),
          sql.eq(`x${i}.value`, `d.${dimColumn(name)}`),
        ),
      ),
    }),
  );
  return { ctes: [...lists, kept], rows: "kept_rows" };
};

/**
 * A `sumOnce` measure's column: on the first row of each (group, entity), the entity's largest
 * value in the group; NULL on its other rows and where the entity is NULL. The group's sum of it
 * counts each entity once.
 */
export const onceRows: MetricStage = (p, _job, from) => {
  const onces = [
    ...new Map(
      p.aggregates.flatMap(([, m]) => {
        const o = (m as Partial<OnceMeasure>).once;
        return o ? [[o.column, o] as const] : [];
      }),
    ).values(),
  ];
  if (!onces.length) return { ctes: [], rows: from };
  const group = [...KEY, ...p.dimNames.map(dimColumn)].map((c) => sql.col(c, "d"));
  const cte = sql.cte(
    "once_rows",
    `${onces.map((o) => `each ${o.per}'s largest ${o.value}`).join(", ")} once per group, on its first row`,
    sql.select(
      [
        sql.star("d"),
        ...onces.map((o) =>
          sql.as(
            sql.caseWhen([
              [
                sql.and(
                  sql.isNotNull(sql.col(o.per, "d")),
                  sql.eq(
                    sql.over(
                      sql.fn("row_number"),
                      [...group, sql.col(o.per, "d")],
                      [sql.desc(sql.col(o.value, "d"))],
                    ),
                    sql.lit(1),
                  ),
                ),
                sql.col(o.value, "d"),
              ],
            ]),
            o.column,
          ),
        ),
      ],
      { from: sql.table(from, "d") },
    ),
  );
  return { ctes: [cte], rows: "once_rows" };
};

/** The aggregate measures per window, topic and dimension values. */
export const grouped: MetricStage = (p, _job, from) => {
  const { spec, dims, dimNames } = p;
  const groupKeys = [...KEY, ...dimNames.map(dimColumn)].map((c) => sql.col(c));
  const cte = sql.cte(
    "grouped",
    `the aggregate measures per window and topic${dims.length ? ` and ${dimNames.join(", ")}` : ""}`,
    sql.select(
      [
        ...KEY,
        ...dimNames.map((n) => sql.as(dimColumn(n), n)),
        ...p.aggregates.map(([n, m]) => sql.as((m as { node: ExpressionNode }).node, n)),
        // What the ratio-like measures roll up from (compile/rollup.ts).
        ...rollupColumnsOf(spec.measures).flatMap((c) => (c.node ? [sql.as(c.node, c.name)] : [])),
      ],
      { from: sql.table(from), groupBy: groupKeys },
    ),
  );
  return { ctes: [cte], rows: "grouped" };
};

/** How many derived measures deep a measure is: 0 for an aggregate, 1 for one over aggregates, … */
function depthOf(
  measures: GeneralMetricSpec["measures"],
  name: string,
  seen: readonly string[] = [],
): number {
  const m = measures[name];
  // A cycle is a validation problem; stop at it rather than recurse forever.
  if (m?.kind !== "derived" || seen.includes(name)) return 0;
  return 1 + Math.max(0, ...m.refs.map((r) => depthOf(measures, r, [...seen, name])));
}

/**
 * The derived measures over the grouped rows (NULL when the denominator is 0 or NULL), after the
 * topic totals a shareOfTopic reads: the same aggregate over every event of the (window, topic)
 * that passes `where`. A derived measure of derived ones comes one CTE later (`measured_2`, …),
 * reading them as columns.
 */
export const measured: MetricStage = (p, job, from) => {
  const { spec, derived, dimNames } = p;
  if (!derived.length) return { ctes: [], rows: from };
  const totals = [...new Set(derived.filter(([, m]) => m.op === "shareOfTopic").map(([, m]) => m.refs[0]!))];
  const totalsCte = sql.cte(
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
  );
  const safe = (n: ExpressionNode, d: ExpressionNode) => sql.op(n, "/", sql.fn("nullif", d, sql.lit(0)));
  // A share across topics: the same dimension values in the same window.
  const partition = [...WINDOW, ...dimNames].map((n) => sql.col(n, "g"));
  /** A share's denominator (stored too, for the roll-up: compile/rollup.ts). */
  const denominator = (m: DerivedMeasure): ExpressionNode | undefined => {
    const a = sql.col(m.refs[0]!, "g");
    switch (m.op) {
      case "ratio":
        return sql.col(m.refs[1]!, "g");
      case "shareOfTopic":
        return sql.col(m.refs[0]!, "t");
      case "shareOfAll":
        return sql.over(
          sql.fn("max", sql.caseWhen([[sql.eq("g.topic", sql.lit(job.topics.all)), a]])),
          partition,
        );
      case "shareOfTracked":
        return sql.over(
          sql.fn("sum", sql.caseWhen([[sql.op("g.topic", "<>", sql.lit(job.topics.all)), a]])),
          partition,
        );
      default:
        return undefined;
    }
  };
  const derivedNode = (m: DerivedMeasure): ExpressionNode => {
    const refs = m.refs.map((r) => sql.col(r, "g"));
    switch (m.op) {
      case "plus":
      case "minus":
        return refs
          .slice(1)
          .reduce<ExpressionNode>((a, b) => sql.op(a, ARITHMETIC[m.op as "plus" | "minus"], b), refs[0]!);
      case "times":
        return sql.op(refs[0]!, "*", sql.lit(m.factor!));
      case "score":
        return sql.weightedScore(
          m.refs.map((r, i) => [m.weights![i]!, sql.col(r, "g")] as const),
          keyColumns("g"),
        );
      default:
        return safe(refs[0]!, denominator(m)!);
    }
  };
  const stored = rollupColumnsOf(spec.measures).filter((c) => c.node === undefined);
  const levels = [...new Set(derived.map(([n]) => depthOf(spec.measures, n)))].sort((a, b) => a - b);
  const ctes = levels.map((level, i) => {
    const here = derived.filter(([n]) => depthOf(spec.measures, n) === level);
    const names = new Set(here.map(([n]) => n));
    const first = i === 0;
    return sql.cte(
      first ? "measured" : `measured_${level}`,
      first
        ? `the derived measures: ${here.map(([n]) => n).join(", ")} (NULL when the denominator is 0 or NULL)`
        : `the derived measures over derived ones: ${here.map(([n]) => n).join(", ")}`,
      sql.select(
        [
          sql.star("g"),
          ...here.map(([n, m]) => sql.as(derivedNode(m), n)),
          ...stored
            .filter((c) => names.has(c.of))
            .map((c) => sql.as(denominator(spec.measures[c.of] as DerivedMeasure)!, c.name)),
        ],
        {
          from: sql.table(first ? from : i === 1 ? "measured" : `measured_${levels[i - 1]}`, "g"),
          joins:
            first && totals.length
              ? [sql.join("LEFT", sql.table("topic_totals", "t"), sameKey("t", "g"))]
              : [],
        },
      ),
    );
  });
  return {
    ctes: [...(totals.length ? [totalsCte] : []), ...ctes],
    rows: ctes.at(-1)!.name,
  };
};

/** Minimum support: the rows whose `having.by` is at least `having.atLeast` (NULL is not). */
export const supported: MetricStage = (p, _job, from) => {
  const having = p.spec.having;
  if (!having) return { ctes: [], rows: from };
  const cte = sql.cte(
    "supported",
    `the rows with ${having.by} >= ${having.atLeast} (minimum support), before the rank`,
    sql.select([sql.star()], {
      from: sql.table(from),
      where: sql.op(sql.col(having.by), ">=", sql.lit(having.atLeast)),
    }),
  );
  return { ctes: [cte], rows: "supported" };
};

/** The rank: by `rank.by` descending, ties by the dimensions ascending, per window and topic. */
export const ranked: MetricStage = (p, _job, from) => {
  const { spec, dims, dimNames } = p;
  if (!spec.rank) return { ctes: [], rows: from };
  const cte = rankedRows(
    "ranked",
    `rank by ${spec.rank.by} descending${dims.length ? `, then ${dimNames.join(", ")} ascending` : ""}`,
    from,
    [sql.desc(spec.rank.by), ...dimNames.map((n) => sql.asc(n))],
  );
  return { ctes: [cte], rows: "ranked" };
};

/** The CTE stages of the metric kind, in order, each reading the relation of the one before. */
export const METRIC_STAGES: readonly MetricStage[] = [
  dimensionRows,
  keptRows,
  onceRows,
  grouped,
  measured,
  supported,
  ranked,
];

/** The final SELECT: the top N of each (window, topic), the catch-all topic left out when asked. */
function resultRows(p: MetricParts, job: JobSpec, from: string): SelectNode {
  const { spec, dimNames } = p;
  const keep = [
    ...(spec.rank ? [sql.op("r.rank", "<=", spec.rank.top)] : []),
    ...(spec.topics === "tracked" ? [sql.op("r.topic", "<>", sql.lit(job.topics.all))] : []),
  ];
  const columns: SelectItemNode[] = [
    ...windowColumns("r"),
    ...[
      "topic",
      ...dimNames,
      ...Object.keys(spec.measures),
      ...rollupColumnsOf(spec.measures).map((c) => c.name),
      ...(spec.rank ? ["rank"] : []),
    ].map((n) => sql.as(`r.${n}`, n)),
  ];
  return sql.select(columns, {
    from: sql.table(from, "r"),
    ...(keep.length ? { where: sql.and(...keep) } : {}),
  });
}

/**
 * docs/contracts.md "Metric language": events of each topic that pass `where`, grouped by the
 * dimensions (an exploded dimension: each distinct element once per event), aggregated, then the
 * derived measures, then the rank (METRIC_STAGES). Groups without events have no row.
 */
/** `cte` reads relation `name` (in a FROM or a JOIN of any of its SELECTs). */
const readsTable = (cte: CteNode, name: string): boolean =>
  (cte.query.kind === "SelectNode" ? [cte.query] : cte.query.selects).some(
    (s) => s.from?.name === name || s.joins.some((j) => j.table.name === name),
  );

export function compileGeneralMetric(spec: GeneralMetricSpec, job: JobSpec): QueryNode {
  const p = metricParts(spec);
  const ctes: CteNode[] = [];
  let rows = "event_topics";
  for (const stage of METRIC_STAGES) {
    const s = stage(p, job, rows);
    ctes.push(...s.ctes);
    rows = s.rows;
  }
  // event_topics only where a stage reads it (dimension_rows explodes topics itself, last).
  if (rows === "event_topics" || ctes.some((c) => readsTable(c, "event_topics")))
    ctes.unshift(eventTopics(job));
  return Q.create(
    header(
      spec.source,
      spec.name,
      spec.description,
      referenceDepthOf(p)
        ? `${VIEWS.events}, ${VIEWS.params} and ${REFERENCE_DEPTH_VIEW}`
        : `${VIEWS.events} and ${VIEWS.params}`,
    ),
    ctes,
    resultRows(p, job, rows),
  );
}

/** Result columns after window_start, window_end and topic: the dimensions, the measures, the rank. */
export function metricColumns(spec: GeneralMetricSpec): OutputColumn[] {
  const rows = entries(spec.measures).find(([, m]) => countsRows(m))?.[0];
  return [
    ...entries(spec.dimensions).map(([name, d]) => ({ name, type: d.type, nullable: false })),
    ...entries(spec.measures).map(([name, m]) => ({
      name,
      type: m.type,
      nullable: m.nullable,
      ...(isShare(m) ? { min: 0, max: 1 } : countsRows(m) ? { min: 1 } : {}),
      ...(rows !== undefined && countsSome(m) ? { atMost: rows } : {}),
      rollup: columnRollup(spec.measures, name),
    })),
    // Stored for the roll-up; NULL in rows written before they existed.
    ...rollupColumnsOf(spec.measures).map((c) => ({ name: c.name, type: c.type, nullable: true })),
    ...(spec.rank ? [{ name: "rank", type: "integer" as const, nullable: false }] : []),
  ];
}

/**
 * A share is a part over a whole that contains it (`share`; a measure over its topic, over the
 * catch-all topic, or over the sum of the tracked topics), so 0…1: the DDL states it as a CHECK,
 * as for the aggregate kind's shares. A ratio of two measures has no such bound.
 */
const isShare = (m: GeneralMetricSpec["measures"][string]): boolean =>
  m.kind === "derived" ? SHARES.has(m.op) : ShareNode.is(m.node);
/** The derived measures that are 0…1: shares and the weighted score (not a ratio, not arithmetic). */
const SHARES: ReadonlySet<DerivedMeasure["op"]> = new Set([
  "shareOfTopic",
  "shareOfAll",
  "shareOfTracked",
  "score",
]);

/** The count call of a counting measure (`count(…)`, `count_if(…)`), else undefined. */
const countCall = (m: GeneralMetricSpec["measures"][string]) =>
  m.kind === "measure" &&
  m.node.kind === "CallNode" &&
  (m.node.name === "count" || m.node.name === "count_if")
    ? m.node
    : undefined;

/** `count()` of a group's rows (`count(1)`): a group exists only for its rows, so it is at least 1. */
const countsRows = (m: GeneralMetricSpec["measures"][string]): boolean => {
  const c = countCall(m);
  return c?.name === "count" && !c.distinct && c.args.length === 1 && c.args[0]!.kind === "LiteralNode";
};

/** A count of some of a group's rows (a filter, non-NULL or distinct values): at most `count()`. */
const countsSome = (m: GeneralMetricSpec["measures"][string]): boolean =>
  countCall(m) !== undefined && !countsRows(m);

/** The primary key: window_start, topic and the dimensions (a group per dimension values). */
export const metricKey = (spec: GeneralMetricSpec): string[] => [
  ...TABLE_KEY,
  ...Object.keys(spec.dimensions),
];

/** The metric kind: its stages, its dimensions and measures as columns, keyed by its dimensions. */
export const generalMetricResult = (spec: GeneralMetricSpec): MetricResult => {
  const depth = referenceDepthOf(metricParts(spec));
  return resultOf({
    query: (job) => compileGeneralMetric(spec, job),
    ...(depth ? { referenceDepth: (job: JobSpec) => referenceDepth({ metric: spec, ...depth }, job) } : {}),
    columns: metricColumns(spec).map(({ name, type, nullable, ...bounds }) =>
      column(name, type, nullable, bounds),
    ),
    key: metricKey(spec),
    shape: metricShape(spec),
  });
};

/**
 * How a reader shows the metric: a ranked list (label = the first text dimension), a time series
 * (the bucket dimension against the first measure), or plain rows.
 */
export function metricShape(spec: GeneralMetricSpec): ResultShape {
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
