import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../database.ts";
import type { MetricRollup } from "../generated/tables.ts";
import { checkRange, type RangeQuery } from "./range.ts";

/**
 * A metric over a range, one row per dimension values: each measure combined over the windows the
 * way its `rollup` says (docs/contracts.md "Roll-up"). Identifiers come from the generated catalog
 * and are quoted; values are parameters.
 */

/** What the roll-up reads of a table's catalog entry. */
export interface RollupTable {
  readonly name: string;
  /** The grouping columns (the key besides window and topic), or the label when there are none. */
  readonly groups: readonly string[];
  /** A text column shown with its latest value, when not a group (influencers' username). */
  readonly latest?: string;
  readonly rollup: Readonly<Record<string, MetricRollup>>;
  readonly types: Readonly<Record<string, string>>;
  /** Order by this measure descending (ranked metrics), else by the groups. */
  readonly orderBy?: string;
  readonly hasRank: boolean;
  /** One row per topic and groups, over every topic of the table (`topic` first), not one topic's. */
  readonly byTopic?: boolean;
}

const id = (name: string) => sql.id(name);
const FLOAT = sql.raw("double precision");

/** The range's rows of the table for one topic, or for every topic with `byTopic`. */
const inRange = (t: RollupTable, topic: string, q: RangeQuery) =>
  sql`${t.byTopic ? sql`true` : sql`"topic" = ${topic}`} and "window_start" >= ${q.from} and "window_start" < ${q.to}`;

/**
 * Σ over the range's windows of a denominator every row of a (window, topic) — or, for
 * `dimensions`, of a (window, dimension values) across topics — shares: each window counts once.
 */
function windowDenominator(
  t: RollupTable,
  den: string,
  per: "topic" | "dimensions",
  topic: string,
  q: RangeQuery,
): RawBuilder<unknown> {
  const where =
    per === "topic"
      ? // By topic, each row's own topic's windows: the correlated `r."topic"` of the group.
        t.byTopic
        ? sql`x."topic" = r."topic" and "window_start" >= ${q.from} and "window_start" < ${q.to}`
        : inRange(t, topic, q)
      : sql`"window_start" >= ${q.from} and "window_start" < ${q.to} ${sql.join(
          t.groups.map((g) => sql`and x.${id(g)} = r.${id(g)}`),
          sql` `,
        )}`;
  return sql`(select sum(d)::double precision from (select max(x.${id(den)}) as d from ${id(t.name)} as x
    where ${where} group by x."window_start") as w)`;
}

/** One measure's roll-up over the grouped rows `r`. */
function rolledUp(
  t: RollupTable,
  m: string,
  r: MetricRollup,
  topic: string,
  q: RangeQuery,
): RawBuilder<unknown> {
  const c = sql`r.${id(m)}`;
  switch (r.kind) {
    case "sum":
      return sql`sum(${c})::${sql.raw(t.types[m] === "double precision" ? "double precision" : "bigint")}`;
    case "min":
      return sql`min(${c})`;
    case "max":
      return sql`max(${c})`;
    case "ratio": {
      const den =
        r.per === "row" ? sql`sum(r.${id(r.den)})::${FLOAT}` : windowDenominator(t, r.den, r.per, topic, q);
      return sql`sum(r.${id(r.num)})::${FLOAT} / nullif(${den}, 0)`;
    }
    case "derived": {
      // Re-derived from the roll-ups of the measures it reads (net = pos_share − neg_share).
      const [first, ...rest] = r.args.map((a) =>
        typeof a === "number" ? sql.lit(a) : sql`(${rolledUp(t, a, t.rollup[a]!, topic, q)})::${FLOAT}`,
      );
      if (r.op === "/") return sql`${first} / nullif(${rest[0]}, 0)`;
      return sql.join([first!, ...rest], sql.raw(` ${r.op} `));
    }
    case "none":
      // Shown only where the range holds one window of the row: then it is that window's value.
      return sql`case when count(*) = 1 then max(${c}) end`;
  }
}

/** The sort key of a measure: its roll-up, or each row's best window when it does not add up. */
const sortKey = (t: RollupTable, m: string, topic: string, q: RangeQuery) => {
  const r = t.rollup[m]!;
  return r.kind === "none" ? sql`max(r.${id(m)})` : rolledUp(t, m, r, topic, q);
};

export async function rollUp(
  db: Kysely<Database>,
  t: RollupTable,
  q: RangeQuery,
  defaultLimit: number,
): Promise<Record<string, unknown>[]> {
  const { topic, limit } = checkRange(q, defaultLimit);
  const keys = [...(t.byTopic ? ["topic"] : []), ...t.groups];
  const groups = keys.map((g) => sql`r.${id(g)}`);
  const order = [
    ...(t.byTopic ? [sql`r."topic" collate "C"`] : []),
    ...(t.orderBy ? [sql`${sortKey(t, t.orderBy, topic, q)} desc nulls last`] : []),
    ...t.groups.map((g) => sql`r.${id(g)} collate "C"`),
  ];
  const { rows } = await sql<Record<string, unknown>>`
    select ${sql.join([
      ...groups,
      ...(t.latest
        ? [sql`(array_agg(r.${id(t.latest)} order by r."window_start" desc))[1] as ${id(t.latest)}`]
        : []),
      ...Object.entries(t.rollup).map(([m, r]) => sql`${rolledUp(t, m, r, topic, q)} as ${id(m)}`),
      sql`count(*)::integer as "windows"`,
      ...(t.hasRank ? [sql`min(r."rank")::integer as "best_rank"`] : []),
    ])}
    from ${id(t.name)} as r
    where ${inRange(t, topic, q)}
    ${groups.length ? sql`group by ${sql.join(groups)}` : sql`having count(*) > 0`}
    ${order.length ? sql`order by ${sql.join(order)}` : sql``}
    limit ${limit}`.execute(db);
  return rows;
}
