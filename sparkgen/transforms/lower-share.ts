import { type ExpressionNode, sql } from "../ast/index.ts";

/**
 * `share(when, of)` → `count_if(of AND when) / nullif(count_if(of), 0)`: a DOUBLE in [0, 1],
 * NULL when no row qualifies (with ANSI off or on, nullif keeps the division defined).
 */
export function lowerShare(e: ExpressionNode): ExpressionNode {
  if (e.kind !== "ShareNode") return e;
  const hits = e.of ? sql.and(e.of, e.when) : e.when;
  const base = e.of ? sql.fn("count_if", e.of) : sql.count();
  return sql.op(sql.fn("count_if", hits), "/", sql.fn("nullif", base, sql.lit(0)));
}
