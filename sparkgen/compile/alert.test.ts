import { describe, expect, it } from "vitest";
import type { QueryNode, SelectNode } from "../ast/index.ts";
import { printSparkSql } from "../print/spark-sql.ts";
import { type AlertSpec, alertMath, baseline } from "../spec/alert-kind.ts";
import { define } from "../spec/define.ts";
import { sentimentAlert, sentimentWindow, trendingHashtagAlert, volumeAlert } from "../specs/index.ts";
import { compileAlert } from "./alert.ts";

const ALERTS: AlertSpec[] = [sentimentAlert, volumeAlert, trendingHashtagAlert];
const selects = (q: QueryNode): SelectNode[] => [
  ...q.ctes.flatMap((c) => (c.query.kind === "SelectNode" ? [c.query] : c.query.selects)),
  q.body,
];
const cte = (q: QueryNode, name: string): SelectNode => {
  const c = q.ctes.find((x) => x.name === name);
  if (c?.query.kind !== "SelectNode") throw new Error(`no select CTE ${name}`);
  return c.query;
};

describe("alert: the bounds of an as-of window's reads, computed once", () => {
  it.each(ALERTS.map((a) => [a.name, a] as const))(
    "%s: one CTE computes them from window_params",
    (_, spec) => {
      const q = compileAlert(spec);
      const sql = printSparkSql(q);
      // No per-row conversion to seconds: the joins compare window starts with the bounds as timestamps.
      expect(sql).not.toContain("unix_seconds");
      const bounds = cte(q, "as_of_windows");
      expect(bounds.from?.name).toBe("window_params");
      expect(bounds.items.map((i) => i.alias)).toEqual([
        "as_of",
        "reads_from",
        "reads_until",
        "baseline_span",
      ]);
      expect(sql).toContain(
        `window_start - ${spec.baseline.windows} * (window_end - window_start) AS reads_from`,
      );
      // The rows, the targets and the baseline slots compare columns, never the arithmetic again.
      const n = String(spec.baseline.windows);
      for (const s of selects(q).filter((x) => x !== bounds)) {
        const on = JSON.stringify([s.where, s.joins.map((j) => j.on)]);
        expect(on).not.toContain(`"value":${n}`);
      }
      // (whitespace aside: the printer wraps a long join condition)
      const flat = sql.replace(/\s+/g, " ");
      expect(flat).toContain(
        "INNER JOIN as_of_windows AS p ON h.window_start >= p.reads_from AND h.window_start <= p.reads_until",
      );
      expect(flat).toContain("b.window_start < t.window_start AND b.window_start >= t.baseline_from");
      expect(Math.max(...sql.split("\n").map((l) => l.length))).toBeLessThanOrEqual(300);
    },
  );
});

describe("alert: an output column the levels read, computed once", () => {
  it("sentiment_alert: drop is named in against_baseline and read by name after it", () => {
    const q = compileAlert(sentimentAlert);
    const sql = printSparkSql(q);
    expect(sql.split("b.baseline_mean - t.avg_score").length - 1).toBe(1);
    const compared = cte(q, "against_baseline");
    expect(compared.items.at(-1)?.alias).toBe("drop");
    expect([compared.from?.name, compared.joins.map((j) => j.table.name)]).toEqual([
      "target_windows",
      ["baselines"],
    ]);
    // The severity, drop, threshold and rule columns and the WHERE read the named column.
    expect(q.body.from).toMatchObject({ name: "against_baseline", alias: "a" });
    expect(q.body.joins).toEqual([]);
    expect(sql.split("a.`drop` >= greatest(").length - 1).toBe(4);
    expect(sql).toContain("  a.`drop`,\n");
    expect(sql).toContain(
      "WHERE a.baseline_windows >= 4 AND a.n_scored >= 20 AND a.`drop` >= greatest(0.2D, 2 * a.baseline_sd)",
    );
  });

  it("no CTE where the levels read no computed output column (volume, trending hashtag)", () => {
    for (const spec of [volumeAlert, trendingHashtagAlert]) {
      const q = compileAlert(spec);
      expect(q.ctes.map((c) => c.name)).not.toContain("against_baseline");
      expect(q.body.joins.map((j) => j.table.name)).toEqual(["baselines"]);
    }
  });

  it("an output named like a column of the current row stays inlined (no ambiguous name)", () => {
    const { atLeast, times } = alertMath;
    const spec = define.alert(import.meta.url, {
      name: "doubled",
      description: "d",
      baseline: baseline(sentimentWindow, "n_scored", 8, { min: 4 }),
      columns: (w, b) => ({ n_scored: times(2, w.n_scored), baseline_mean: b.mean }),
      levels: (_w, b, out) => ({
        warning: atLeast(out.n_scored, b.mean),
        critical: atLeast(out.n_scored, times(3, b.mean)),
      }),
    });
    const q = compileAlert(spec);
    expect(q.ctes.map((c) => c.name)).not.toContain("against_baseline");
    expect(printSparkSql(q)).toContain("AND 2 * t.n_scored >= b.baseline_mean");
  });
});
