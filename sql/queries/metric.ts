import { type Kysely, type Selectable, sql } from "kysely";
import { usageError } from "../../runtime/errors/index.ts";
import type { Database } from "../database.ts";
import { DEFAULT_LIMIT, type MetricShape, RESULT_TABLES, type ResultTables } from "../generated/tables.ts";
import { checkRange, type RangeQuery } from "./range.ts";

/**
 * Generic readers of every result table, driven by the generated catalog (sql/generated/tables.ts):
 * a new spec gets `trends query metric NAME`, `GET /api/metrics/NAME` and a dashboard panel with no
 * hand-written line. Identifiers come from the catalog (spec names, validated lower_snake_case)
 * and are quoted; values are parameters.
 */

export type MetricName = keyof ResultTables & string;

export type { MetricShape };

export interface MetricTableInfo {
  readonly source: string;
  readonly description: string;
  readonly shape: MetricShape;
  readonly primaryKey: readonly string[];
  readonly columns: Readonly<Record<string, { readonly type: string; readonly nullable: boolean }>>;
}

/** Result tables by name; the generated one unless a test passes its own. */
export type MetricCatalog = Readonly<Record<string, MetricTableInfo>>;
export const METRIC_CATALOG: MetricCatalog = RESULT_TABLES;

/** The catalog entry of `name`; an unknown name is a usage error listing the known ones. */
export function metricInfo(name: string, catalog: MetricCatalog = METRIC_CATALOG): MetricTableInfo {
  const info = Object.hasOwn(catalog, name) ? catalog[name] : undefined;
  if (info === undefined) {
    const shown = /^[a-z_][a-z0-9_]{0,62}$/.test(name) ? `"${name}"` : "of that name";
    throw usageError(
      `no metric ${shown}; known metrics: ${Object.keys(catalog).join(", ")}`,
      "pick one of them, e.g. `trends query metric word_window`",
    );
  }
  return info;
}

export interface MetricQuery extends RangeQuery {
  /** Alerts only: every topic instead of `topic`. */
  allTopics?: boolean;
}

/** What `readMetric` answers: the rows and their columns in display order. */
export interface MetricResult {
  readonly metric: string;
  readonly description: string;
  readonly shape: MetricShape;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: Record<string, unknown>[];
}

const id = (name: string) => sql.id(name);
/** sum() of an integer type is numeric or bigint: cast back to what the column is. */
const sumType = (t: string) => (t === "double precision" ? "double precision" : "bigint");

/**
 * The stored rows of one table over a range, typed by the generated Kysely interface: the windows
 * whose start lies in `[from, to)` of `topic`, oldest first (ties by key), at most `limit`
 * (default `DEFAULT_LIMIT` of its shape) of the newest.
 */
export async function metricRows<N extends MetricName>(
  db: Kysely<Database>,
  name: N,
  q: RangeQuery,
): Promise<Selectable<ResultTables[N]>[]> {
  return (await storedRows(db, name, metricInfo(name), q, "asc")) as Selectable<ResultTables[N]>[];
}

async function storedRows(
  db: Kysely<Database>,
  table: string,
  info: MetricTableInfo,
  q: MetricQuery,
  order: "asc" | "desc",
): Promise<Record<string, unknown>[]> {
  const { topic, limit } = checkRange(q, DEFAULT_LIMIT[info.shape.kind]);
  const keys = [
    ...info.primaryKey,
    ...(info.shape.kind === "series" && !info.primaryKey.includes(info.shape.time) ? [info.shape.time] : []),
  ];
  // Newest first to apply the limit; "asc" readers get them back oldest first.
  const { rows } = await sql<Record<string, unknown>>`
    select * from ${id(table)}
    where ${q.allTopics ? sql`true` : sql`"topic" = ${topic}`}
      and "window_start" >= ${q.from} and "window_start" < ${q.to}
    order by ${sql.join(keys.map((k) => (k === "topic" ? sql`"topic" collate "C" asc` : sql`${id(k)} desc`)))}
    limit ${limit}`.execute(db);
  return order === "asc" ? rows.reverse() : rows;
}

/**
 * A ranked metric over a range: one row per dimension value (the key columns besides window and
 * topic), `by` summed over the windows in which it ranked, with the number of such windows and the
 * best window rank; `label` is the latest value when it is not part of the key. Ordered by the sum
 * desc, then the label (C collation: the same order on every server locale).
 */
async function rankedRows(
  db: Kysely<Database>,
  table: string,
  info: MetricTableInfo & { shape: { kind: "ranked" } },
  q: RangeQuery,
): Promise<Record<string, unknown>[]> {
  const { topic, limit } = checkRange(q, DEFAULT_LIMIT.ranked);
  const { label, by } = info.shape;
  const keys = info.primaryKey.filter((k) => k !== "window_start" && k !== "topic");
  const groups = keys.length > 0 ? keys : [label];
  const hasRank = info.columns.rank?.type === "integer";
  const labelSelect = groups.includes(label)
    ? []
    : [sql`(array_agg(${id(label)} order by "window_start" desc))[1] as ${id(label)}`];
  const byType = sumType(info.columns[by]?.type ?? "bigint");
  const { rows } = await sql<Record<string, unknown>>`
    select ${sql.join([
      ...groups.map((g) => id(g)),
      ...labelSelect,
      sql`sum(${id(by)})::${sql.raw(byType)} as ${id(by)}`,
      sql`count(*)::integer as "windows"`,
      ...(hasRank ? [sql`min("rank")::integer as "best_rank"`] : []),
    ])}
    from ${id(table)}
    where "topic" = ${topic} and "window_start" >= ${q.from} and "window_start" < ${q.to}
    group by ${sql.join(groups.map((g) => id(g)))}
    order by sum(${id(by)}) desc nulls last, ${sql.join(groups.map((g) => sql`${id(g)} collate "C"`))}
    limit ${limit}`.execute(db);
  return rows;
}

/**
 * Reads any metric the way its shape says: ranked → the range's leaders; series and row → the
 * stored rows, oldest first; alert → newest first (`allTopics` for every topic).
 *
 * @example await readMetric(db, "word_window", { topic: "acme", from, to, limit: 10 })
 */
export async function readMetric(
  db: Kysely<Database>,
  name: string,
  q: MetricQuery,
  catalog: MetricCatalog = METRIC_CATALOG,
): Promise<MetricResult> {
  const info = metricInfo(name, catalog);
  const shape = info.shape;
  const stored = Object.entries(info.columns)
    .filter(([c]) => c !== "computed_at")
    .map(([c, t]) => ({ name: c, type: t.type }));
  let rows: Record<string, unknown>[];
  let columns = stored;
  if (shape.kind === "ranked") {
    rows = await rankedRows(db, name, { ...info, shape }, q);
    const keys = info.primaryKey.filter((k) => k !== "window_start" && k !== "topic");
    const names = [...new Set([...keys, shape.label, shape.by])];
    columns = [
      ...names.map((n) => ({ name: n, type: info.columns[n]?.type ?? "text" })),
      { name: "windows", type: "integer" },
      ...(info.columns.rank ? [{ name: "best_rank", type: "integer" }] : []),
    ];
  } else {
    rows = await storedRows(db, name, info, q, shape.kind === "alert" ? "desc" : "asc");
    for (const r of rows) delete r.computed_at;
  }
  return { metric: name, description: info.description, shape, columns, rows };
}
