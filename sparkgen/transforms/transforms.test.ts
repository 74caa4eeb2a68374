import { describe, expect, it } from "vitest";
import { sql } from "../ast/index.ts";
import { printExpression } from "../print/spark-sql.ts";
import { lowerNormalise } from "./lower-normalise.ts";
import { lowerShare } from "./lower-share.ts";
import { mapExpression } from "./map-expressions.ts";

describe("transforms", () => {
  it("lowers share(hit, of) to count_if / nullif", () => {
    const e = sql.share(sql.op("s", ">=", sql.lit(0.25)), sql.isNotNull("s"));
    expect(printExpression(lowerShare(e))).toBe(
      "count_if(s IS NOT NULL AND s >= 0.25D) / nullif(count_if(s IS NOT NULL), 0)",
    );
  });

  it("lowers c(x) to ln(1 + x) / ln(1 + max x) with 0 for a zero max", () => {
    expect(printExpression(lowerNormalise(sql.normalise("depth", ["topic"])))).toBe(
      [
        "CASE",
        "  WHEN max(depth) OVER (PARTITION BY topic) = 0 THEN 0",
        "  ELSE ln(1 + depth) / ln(1 + max(depth) OVER (PARTITION BY topic))",
        "END",
      ].join("\n"),
    );
  });

  it("rewrites nested nodes bottom-up and leaves other nodes alone", () => {
    const inner = sql.normalise("x", ["topic"]);
    const e = sql.op(sql.lit(0.5), "*", inner);
    const out = mapExpression(e, lowerNormalise);
    expect(printExpression(out)).toMatch(/^0.5D \* CASE\n {2}WHEN max\(x\) OVER/);
    const plain = sql.op("a", "+", "b");
    expect(printExpression(mapExpression(plain, lowerNormalise))).toBe("a + b");
  });
});
