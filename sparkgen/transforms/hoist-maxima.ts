import {
  CteNode,
  type ExpressionNode,
  NormaliseNode,
  QueryNode,
  SelectItemNode,
  SelectNode,
  sql,
} from "../ast/index.ts";
import { mapExpression } from "./map-expressions.ts";

/**
 * Each `c(x)`'s maximum computed once. A CTE whose select items hold `c(x)` nodes reads from a CTE
 * put before it, `<name>_maxima`: every row of its source plus `max(x) OVER (PARTITION BY …) AS
 * max_x`, one column per distinct (x, partition). Each `c(x)` then names its column, which
 * `lowerNormalise` prints where it printed the window twice (`= 0` and the denominator).
 *
 * Only a select over one relation (no join, lateral view or grouping), which is where the compilers
 * put `c(x)` (the influencer's scores, the metric kind's `score`): the added columns ride along
 * under `*` to selects that name their columns. Any other select keeps the window inline.
 */
export function hoistMaxima(q: QueryNode): QueryNode {
  const names = new Set(q.ctes.map((c) => c.name));
  const ctes = q.ctes.flatMap((c) => (c.query.kind === "SelectNode" ? hoist(c, c.query, names) : [c]));
  return QueryNode.create(q.header, ctes, q.body);
}

function hoist(cte: CteNode, s: SelectNode, names: ReadonlySet<string>): CteNode[] {
  const from = s.from;
  const maxima = new Map<string, { node: NormaliseNode; column: string }>();
  const collect = (e: ExpressionNode) => {
    if (NormaliseNode.is(e) && !e.max) {
      const key = JSON.stringify([e.operand, e.partitionBy]);
      if (!maxima.has(key)) maxima.set(key, { node: e, column: maxColumn(e, maxima.size) });
    }
    return e;
  };
  for (const i of s.items) mapExpression(i.expr, collect);
  const plain = s.joins.length === 0 && s.lateralViews.length === 0 && s.groupBy.length === 0;
  if (maxima.size === 0 || !from || !plain) return [cte];
  const name = `${cte.name}_maxima`;
  if (names.has(name)) throw new Error(`hoistMaxima: ${cte.name} already has a CTE named ${name}`);
  const found = [...maxima.values()];
  const hoisted = sql.cte(
    name,
    `${cte.name}'s maxima, once each: ${found.map((m) => m.column).join(", ")}`,
    sql.select(
      [
        sql.star(from.alias),
        ...found.map((m) =>
          sql.as(sql.over(sql.fn("max", m.node.operand), [...m.node.partitionBy]), m.column),
        ),
      ],
      // A window sees the rows the WHERE keeps: the filter moves here, before the maxima.
      { from, where: s.where },
    ),
  );
  const withMax = (e: ExpressionNode) => {
    if (!NormaliseNode.is(e) || e.max) return e;
    const m = maxima.get(JSON.stringify([e.operand, e.partitionBy]))!;
    return NormaliseNode.create(e.operand, e.partitionBy, sql.col(m.column, from.alias));
  };
  const reading = SelectNode.with(s, {
    from: sql.table(name, from.alias),
    where: undefined,
    items: s.items.map((i) => SelectItemNode.create(mapExpression(i.expr, withMax), i.alias)),
  });
  return [hoisted, CteNode.create(cte.name, cte.comment, reading)];
}

/** `max_<column>` for a column operand, `max_<k>` otherwise. */
function maxColumn(e: NormaliseNode, k: number): string {
  return e.operand.kind === "ColumnNode" ? `max_${e.operand.name}` : `max_${k}`;
}
