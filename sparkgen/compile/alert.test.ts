import { describe, expect, it } from "vitest";
import type { QueryNode, SelectNode } from "../ast/index.ts";
import { printSparkSql } from "../print/spark-sql.ts";
import type { AlertSpec } from "../spec/alert-kind.ts";
import { sentimentAlert, trendingHashtagAlert, volumeAlert } from "../specs/index.ts";
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
      expect(sql).toContain(
        "INNER JOIN as_of_windows AS p ON h.window_start >= p.reads_from AND h.window_start <= p.reads_until",
      );
      expect(sql).toContain("b.window_start < t.window_start AND b.window_start >= t.baseline_from");
      expect(Math.max(...sql.split("\n").map((l) => l.length))).toBeLessThanOrEqual(300);
    },
  );
});
