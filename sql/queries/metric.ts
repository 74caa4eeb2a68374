import { type Kysely, type Selectable, sql } from "kysely";
import { usageError } from "../../runtime/errors/index.ts";
import type { Database } from "../database.ts";
import {
  DEFAULT_LIMIT,
  type MetricRollup,
  type MetricShape,
  RESULT_TABLES,
  type ResultTables,
} from "../generated/tables.ts";
import { checkRange, type RangeQuery } from "./range.ts";
import { rollUp } from "./rollup.ts";

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
  /** How each measure combines over windows (the generated `MetricRollup`). */
  readonly rollup: Readonly<Record<string, MetricRollup>>;
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

/**
 * `range`: one row per dimension values, each measure rolled up over the range's windows;
 * `window`: the stored rows, one per window. Alerts are always per window.
 */
export const READ_BY = ["range", "window"] as const;
export type ReadBy = (typeof READ_BY)[number];

/** Ranked and row metrics answer the range; a series plots its stored points, alerts list theirs. */
export const defaultBy = (shape: MetricShape): ReadBy =>
  shape.kind === "ranked" || shape.kind === "row" ? "range" : "window";

/** How `name` is read: `by`, or its shape's default; by range for an alert is a usage error. */
export function readBy(name: string, shape: MetricShape, by: ReadBy | undefined): ReadBy {
  const b = by ?? defaultBy(shape);
  if (shape.kind === "alert" && b === "range")
    throw usageError(`${name} is an alert: its rows are read per window`, "leave out --by range");
  return b;
}

export interface MetricQuery extends RangeQuery {
  /** Every topic instead of `topic`: alerts list them all, a range read rolls up one row per topic. */
  allTopics?: boolean;
  /** Default `defaultBy(shape)`. */
  by?: ReadBy;
}

/** What `readMetric` answers: the rows and their columns in display order. */
export interface MetricResult {
  readonly metric: string;
  readonly description: string;
  readonly shape: MetricShape;
  readonly by: ReadBy;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: Record<string, unknown>[];
  /**
   * The measures that do not add up over windows, each with why: over a range they are shown only
   * for rows of one window (NULL otherwise); `by: "window"` shows each window's.
   */
  readonly notAdditive: Readonly<Record<string, string>>;
}

const id = (name: string) => sql.id(name);

/** The numerators and denominators stored for the roll-ups: the table's, not a reader's, columns. */
const rollupParts = (info: MetricTableInfo): Set<string> =>
  new Set(
    Object.entries(info.rollup).flatMap(([m, r]) =>
      r.kind === "ratio" ? [r.num, r.den].filter((c) => !Object.hasOwn(info.rollup, c) && c !== m) : [],
    ),
  );

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
 * Reads any metric: over the range (`by: "range"`, ranked and row metrics by default), one row per
 * dimension values with every measure rolled up (ranked: by the rank measure desc; `windows`, and
 * `best_rank` when ranked), or with `allTopics` one per topic and dimension values, to compare
 * topics (share of voice); per window (`by: "window"`), the stored rows oldest first; alerts newest
 * first (`allTopics` for every topic).
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
  const by = readBy(name, shape, q.by);
  const hidden = rollupParts(info);
  const notAdditive = Object.fromEntries(
    Object.entries(info.rollup).flatMap(([m, r]) => (r.kind === "none" ? [[m, r.why]] : [])),
  );
  const base = { metric: name, description: info.description, shape, by, notAdditive };
  if (by === "window") {
    const rows = await storedRows(db, name, info, q, shape.kind === "alert" ? "desc" : "asc");
    for (const r of rows) for (const c of ["computed_at", ...hidden]) delete r[c];
    const columns = Object.entries(info.columns)
      .filter(([c]) => c !== "computed_at" && !hidden.has(c))
      .map(([c, t]) => ({ name: c, type: t.type }));
    return { ...base, columns, rows };
  }
  const dims = info.primaryKey.filter((k) => k !== "window_start" && k !== "topic");
  const label = shape.kind === "ranked" ? shape.label : undefined;
  const groups = dims.length > 0 || label === undefined || label === "topic" ? dims : [label];
  const latest = label !== undefined && label !== "topic" && !groups.includes(label) ? label : undefined;
  const hasRank = info.columns.rank?.type === "integer";
  const rows = await rollUp(
    db,
    {
      name,
      groups,
      ...(latest ? { latest } : {}),
      rollup: info.rollup,
      types: Object.fromEntries(Object.entries(info.columns).map(([c, t]) => [c, t.type])),
      ...(shape.kind === "ranked" ? { orderBy: shape.by } : {}),
      hasRank,
      byTopic: q.allTopics === true,
    },
    q,
    DEFAULT_LIMIT[shape.kind],
  );
  const type = (c: string) => {
    const r = info.rollup[c];
    return r?.kind === "ratio" || r?.kind === "derived"
      ? "double precision"
      : (info.columns[c]?.type ?? "text");
  };
  const columns = [
    ...(q.allTopics ? [{ name: "topic", type: "text" }] : []),
    ...[...groups, ...(latest ? [latest] : []), ...Object.keys(info.rollup)].map((n) => ({
      name: n,
      type: type(n),
    })),
    { name: "windows", type: "integer" },
    ...(hasRank ? [{ name: "best_rank", type: "integer" }] : []),
  ];
  return { ...base, columns, rows };
}
