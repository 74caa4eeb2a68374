import { type ExpressionNode, sql } from "../ast/index.ts";

/**
 * `c(x)` → `CASE WHEN max(x) OVER (…) = 0 THEN 0 ELSE ln(1 + x) / ln(1 + max(x) OVER (…)) END`
 * (docs/contracts.md: `c(x) = ln(1+x) / ln(1+max x)`, 0 when `max x` is 0), or with the column
 * that holds `max x` where `hoistMaxima` computed it once.
 */
export function lowerNormalise(e: ExpressionNode): ExpressionNode {
  if (e.kind !== "NormaliseNode") return e;
  const max = e.max ?? sql.over(sql.fn("max", e.operand), [...e.partitionBy]);
  return sql.caseWhen(
    [[sql.eq(max, 0), sql.lit(0)]],
    sql.op(sql.fn("ln", sql.op(1, "+", e.operand)), "/", sql.fn("ln", sql.op(1, "+", max))),
  );
}
