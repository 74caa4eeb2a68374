import { describe, expect, it } from "vitest";
import { NormaliseNode, QueryNode, sql } from "../ast/index.ts";
import { printExpression, printSparkSql } from "../print/spark-sql.ts";
import { hoistMaxima } from "./hoist-maxima.ts";
import { lower } from "./index.ts";
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

  it("hoists each c(x)'s maximum into a CTE before its select, once per (x, partition)", () => {
    const scored = (from: ReturnType<typeof sql.table>, extra = {}) =>
      QueryNode.create(
        [],
        [
          sql.cte(
            "scores",
            "the scores",
            sql.select(
              [
                sql.star("g"),
                sql.as(
                  sql.weightedScore(
                    [
                      [0.5, "g.x"],
                      [0.5, "g.y"],
                    ],
                    ["g.topic"],
                  ),
                  "score",
                ),
                sql.as(sql.normalise("g.x", ["g.topic"]), "x_alone"),
              ],
              { from, ...extra },
            ),
          ),
        ],
        sql.select(["s.score"], { from: sql.table("scores", "s") }),
      );
    const q = hoistMaxima(scored(sql.table("grouped", "g")));
    expect(q.ctes.map((c) => c.name)).toEqual(["scores_maxima", "scores"]);
    const [maxima, scores] = q.ctes;
    // one max per distinct (x, partition): g.x appears twice, its max once
    expect(maxima!.query.kind === "SelectNode" && maxima!.query.items.map((i) => i.alias)).toEqual([
      undefined,
      "max_x",
      "max_y",
    ]);
    expect(scores!.query.kind === "SelectNode" && scores!.query.from).toEqual(
      sql.table("scores_maxima", "g"),
    );
    const text = printSparkSql(lower(scored(sql.table("grouped", "g"))));
    expect(text).toContain("max(g.x) OVER (PARTITION BY g.topic) AS max_x");
    expect(text).toContain("CASE WHEN g.max_x = 0 THEN 0 ELSE ln(1 + g.x) / ln(1 + g.max_x) END AS x_alone");
    expect(text.match(/OVER/g)).toHaveLength(2);
    // a WHERE moves into the maxima's CTE: a window's maximum is over the rows the filter keeps
    const filtered = hoistMaxima(scored(sql.table("grouped", "g"), { where: sql.op("g.x", ">", 0) }));
    const [m, r] = filtered.ctes.map((c) => c.query);
    expect(m?.kind === "SelectNode" && m.where).toEqual(sql.op("g.x", ">", 0));
    expect(r?.kind === "SelectNode" && r.where).toBeUndefined();
    // a select with a join (or grouping) keeps its windows inline
    const joined = hoistMaxima(
      scored(sql.table("grouped", "g"), { joins: [sql.join("INNER", sql.table("t"), sql.eq("t.k", "g.k"))] }),
    );
    expect(joined.ctes.map((c) => c.name)).toEqual(["scores"]);
    const kept = joined.ctes[0]!.query;
    expect(kept.kind === "SelectNode" && kept.items.some((i) => NormaliseNode.is(i.expr))).toBe(true);
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
