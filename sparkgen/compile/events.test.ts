import { describe, expect, it } from "vitest";
import type { SelectNode } from "../ast/index.ts";
import { printExpression, printSparkSql } from "../print/spark-sql.ts";
import { windowJob } from "../specs/index.ts";
import { compileWindowEvents } from "./events.ts";

const query = compileWindowEvents(windowJob, ["id", "created_at", "ingested_at"]);
const cte = (name: string): SelectNode => {
  const c = query.ctes.find((x) => x.name === name);
  if (c?.query.kind !== "SelectNode") throw new Error(`no select CTE ${name}`);
  return c.query;
};

describe("window events: each event joined to its window on the window's start", () => {
  it("derives the window length from window_params, once (one row)", () => {
    const length = cte("window_length");
    expect(length.from?.name).toBe("window_params");
    expect(length.items.map((i) => printExpression(i.expr))).toEqual([
      "max(unix_seconds(window_end) - unix_seconds(window_start))",
    ]);
  });

  it("an equality join on the start of the window holding created_at, no range test", () => {
    const s = cte("valid_in_window");
    expect(s.joins.map((j) => [j.joinType, j.table.name])).toEqual([
      ["CROSS", "window_length"],
      ["INNER", "window_params"],
    ]);
    const on = s.joins[1]!.on!;
    expect(on.kind === "BinaryNode" && on.op).toBe("=");
    expect(printExpression(on)).toBe(
      "timestamp_seconds(unix_seconds(c.created_at) - pmod(unix_seconds(c.created_at), l.seconds)) = p.window_start",
    );
    // Only validity is left to the WHERE: no comparison of created_at with the window's bounds.
    expect(printExpression(s.where!)).toBe("c.violation IS NULL");
    const sql = printSparkSql(query);
    expect(sql).not.toMatch(/created_at (>=|<) p\./);
    expect(Math.max(...sql.split("\n").map((l) => l.length))).toBeLessThanOrEqual(300);
  });
});
