import { describe, expect, it } from "vitest";
import { QueryNode, sql } from "../ast/index.ts";
import { lower } from "../transforms/index.ts";
import {
  quoteIdentifier,
  quoteString,
  SPARK_3_5,
  SPARK_4_0,
  sessionConf,
  TARGETS,
  UnsupportedError,
} from "./dialect.ts";
import { printExpression, printSparkSql } from "./spark-sql.ts";

describe("Spark SQL printer", () => {
  it("prints a query with a commented CTE, joins and a lateral view", () => {
    const q = QueryNode.create(
      ["from a test"],
      [
        sql.cte(
          "per_topic",
          "events per topic",
          sql.select(["t.topic", sql.as(sql.count(), "n")], {
            from: sql.table("events", "e"),
            lateralViews: [sql.lateralView(sql.fn("explode", "e.rules"), "t", ["topic"])],
            groupBy: [sql.col("topic", "t")],
          }),
        ),
      ],
      sql.select(["p.topic", "p.n"], {
        from: sql.table("per_topic", "p"),
        joins: [sql.join("LEFT ANTI", sql.table("muted", "m"), sql.eq("m.topic", "p.topic"))],
        where: sql.op("p.n", ">=", 2),
      }),
    );
    expect(printSparkSql(q)).toBe(
      [
        "-- from a test",
        "WITH",
        "-- events per topic",
        "per_topic AS (",
        "  SELECT",
        "    t.topic,",
        "    count(1) AS n",
        "  FROM events AS e",
        "  LATERAL VIEW explode(e.rules) t AS topic",
        "  GROUP BY t.topic",
        ")",
        "SELECT",
        "  p.topic,",
        "  p.n",
        "FROM per_topic AS p",
        "LEFT ANTI JOIN muted AS m ON m.topic = p.topic",
        "WHERE p.n >= 2",
        "",
      ].join("\n"),
    );
  });

  it("parenthesises by precedence and prints doubles as DOUBLE literals", () => {
    const e = sql.op(sql.op("a", "+", "b"), "*", sql.op(sql.lit(0.35), "-", sql.op("c", "-", "d")));
    expect(printExpression(e)).toBe("(a + b) * (0.35D - (c - d))");
    expect(printExpression(sql.not(sql.op("w", "RLIKE", sql.lit("^\\p{Nd}+$"))))).toBe(
      "NOT (w RLIKE '^\\\\p{Nd}+$')",
    );
    expect(printExpression(sql.or(sql.and(sql.col("x"), sql.col("y")), sql.col("z")))).toBe("x AND y OR z");
    expect(printExpression(sql.and(sql.or(sql.col("x"), sql.col("y")), sql.col("z")))).toBe("(x OR y) AND z");
  });

  it("quotes reserved and unusual identifiers with backticks and escapes strings with backslashes", () => {
    expect(quoteIdentifier("count")).toBe("`count`");
    expect(quoteIdentifier("drop")).toBe("`drop`");
    expect(quoteIdentifier("n_tweets")).toBe("n_tweets");
    expect(quoteIdentifier("Word Count")).toBe("`Word Count`");
    expect(() => quoteIdentifier("a`b")).toThrow(/cannot print the identifier/);
    expect(quoteString("don't \\d")).toBe("'don\\'t \\\\d'");
  });

  it("fails loudly on functions outside the Spark 3.5 ∩ 4.x list and on unlowered nodes", () => {
    const q = (e: ReturnType<typeof sql.fn> | ReturnType<typeof sql.share>) =>
      QueryNode.create([], [], sql.select([sql.as(e, "x")]));
    expect(() => printSparkSql(q(sql.fn("try_divide", 1, 2)))).toThrow(
      "sparkgen cannot print the function try_divide()",
    );
    expect(() => printSparkSql(q(sql.share(sql.isNotNull("s"))))).toThrow("sparkgen cannot print a share");
    expect(printSparkSql(lower(q(sql.share(sql.isNotNull("s")))))).toContain(
      "count_if(s IS NOT NULL) / nullif(count(1), 0) AS x",
    );
  });

  it("prints for a target: a built-in in one target's list prints there and names the spec and target elsewhere", () => {
    // No shipped target has a built-in of its own today; a 4.0 with `zeroifnull` stands in for one.
    const withZeroIfNull = { ...SPARK_4_0, functions: new Set([...SPARK_4_0.functions, "zeroifnull"]) };
    const q = QueryNode.create([], [], sql.select([sql.as(sql.fn("zeroifnull", sql.col("s")), "x")]));
    expect(printSparkSql(q, { spec: "window_job.demo", target: withZeroIfNull })).toContain(
      "zeroifnull(s) AS x",
    );
    let err: unknown;
    try {
      printSparkSql(q, { spec: "window_job.demo", target: SPARK_3_5 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedError);
    expect((err as Error).message).toBe(
      "sparkgen cannot print the function zeroifnull() (spec window_job.demo, target spark-3.5)",
    );
  });

  it("sets the ANSI choice of each target explicitly: off on 3.5 (its default) and on 4.0 (against it)", () => {
    expect(TARGETS.map((t) => [t.name, t.ansiDefault, sessionConf(t)["spark.sql.ansi.enabled"]])).toEqual([
      ["spark-3.5", false, "false"],
      ["spark-4.0", true, "false"],
    ]);
  });

  it("packs long literal lists and wraps long conditions one per line", () => {
    const words = Array.from({ length: 30 }, (_, i) => sql.lit(`word${i}`));
    const text = printExpression(sql.fn("array", ...words));
    expect(text.split("\n")[0]).toBe("array(");
    expect(text.split("\n").every((l) => l.length <= 100)).toBe(true);
  });

  it("wraps a long join condition one conjunct per line and a long sum one term per line", () => {
    const keys = ["window_start", "window_end", "topic", "tweet_id"];
    const on = sql.and(...keys.map((k) => sql.eq(`r.${k}`, `o.${k}`)));
    const term = (w: number, x: string) =>
      sql.op(sql.lit(w), "*", sql.fn("ln", sql.op(1, "+", `a_long_component_${x}`)));
    const text = printSparkSql(
      QueryNode.create(
        [],
        [],
        sql.select(
          [sql.as(sql.op(sql.op(term(0.5, "x"), "+", term(0.3, "y")), "+", term(0.2, "z")), "score")],
          {
            from: sql.table("tweet_owners", "o"),
            joins: [
              sql.join("LEFT", sql.table("tweet_reports", "r"), on),
              sql.join("LEFT", sql.table("s"), sql.eq("s.id", "o.id")),
            ],
          },
        ),
      ),
    );
    expect(text).toContain(
      [
        "  0.5D * ln(1 + a_long_component_x)",
        "    + 0.3D * ln(1 + a_long_component_y)",
        "    + 0.2D * ln(1 + a_long_component_z) AS score",
        "FROM tweet_owners AS o",
        "LEFT JOIN tweet_reports AS r",
        "  ON r.window_start = o.window_start",
        "    AND r.window_end = o.window_end",
        "    AND r.topic = o.topic",
        "    AND r.tweet_id = o.tweet_id",
        // a short one stays on its line
        "LEFT JOIN s ON s.id = o.id",
      ].join("\n"),
    );
    // only the left spine is flattened: a + (b + c) keeps its parentheses
    const nested = sql.op(term(0.5, "x"), "+", sql.op(term(0.3, "y"), "+", term(0.2, "z")));
    expect(printExpression(nested).replace(/\s+/g, " ")).toBe(
      "0.5D * ln(1 + a_long_component_x) + (0.3D * ln(1 + a_long_component_y) + 0.2D * ln(1 + a_long_component_z))",
    );
  });
});
