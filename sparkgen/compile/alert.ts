import { QueryNode as Q, type QueryNode, sql } from "../ast/index.ts";
import type { AlertSpec } from "../spec/kinds.ts";
import { header, historyView, VIEWS, windowColumns, withParams } from "./common.ts";

/**
 * DESIGN.md "Sentiment alert". Reading of "the previous N windows": the N window slots right
 * before W (by time, same topic), of which those with enough scored tweets form the baseline —
 * so a quiet night shrinks the baseline instead of reaching back to yesterday, and a rerun or
 * catch-up of W sees exactly the same rows.
 */
export function compileAlert(spec: AlertSpec): QueryNode {
  const source = spec.from.name;
  const history = historyView(source);
  const secs = (e: string) => sql.fn("unix_seconds", e);
  const windowLength = sql.op(secs("p.window_end"), "-", secs("p.window_start"));
  const baselineWindows = sql.cte(
    "baseline_windows",
    `the ${spec.baselineWindows} windows before this one, of the same topic, with ${spec.scored} >= ${spec.minScored}`,
    sql.select(["h.topic", sql.as(`h.${spec.score}`, "score")], {
      from: sql.table(history, "h"),
      joins: [withParams()],
      where: sql.and(
        sql.op(
          secs("h.window_start"),
          ">=",
          sql.op(secs("p.window_start"), "-", sql.op(spec.baselineWindows, "*", windowLength)),
        ),
        sql.op("h.window_start", "<", "p.window_start"),
        sql.op(`h.${spec.scored}`, ">=", spec.minScored),
      ),
    }),
  );
  const baselines = sql.cte(
    "baselines",
    "mean and sample standard deviation of the baseline scores",
    sql.select(
      [
        "topic",
        sql.as(sql.cast(sql.count(), "INT"), "baseline_windows"),
        sql.as(sql.fn("avg", "score"), "baseline_mean"),
        sql.as(sql.fn("stddev_samp", "score"), "baseline_sd"),
      ],
      { from: sql.table("baseline_windows"), groupBy: [sql.col("topic")] },
    ),
  );
  const drops = sql.cte(
    "drops",
    `drop = baseline mean - this window's score, where both sides have enough data (>= ${spec.minBaselineWindows} baseline windows)`,
    sql.select(
      [
        "c.topic",
        sql.as(`c.${spec.score}`, "avg_score"),
        "b.baseline_mean",
        "b.baseline_sd",
        "b.baseline_windows",
        sql.as(sql.op("b.baseline_mean", "-", `c.${spec.score}`), "drop"),
        sql.as(`c.${spec.scored}`, "n_scored"),
      ],
      {
        from: sql.table(source, "c"),
        joins: [sql.join("INNER", sql.table("baselines", "b"), sql.eq("b.topic", "c.topic"))],
        where: sql.and(
          sql.op(`c.${spec.scored}`, ">=", spec.minScored),
          sql.op("b.baseline_windows", ">=", spec.minBaselineWindows),
        ),
      },
    ),
  );
  const threshold = (l: AlertSpec["warning"]) =>
    sql.fn("greatest", sql.lit(l.minDrop), sql.op(sql.lit(l.sdFactor), "*", "d.baseline_sd"));
  const body = sql.select(
    [
      ...windowColumns(),
      "d.topic",
      sql.as(
        sql.caseWhen(
          [[sql.op("d.drop", ">=", threshold(spec.critical)), sql.lit("critical")]],
          sql.lit("warning"),
        ),
        "severity",
      ),
      ...["avg_score", "baseline_mean", "baseline_sd", "baseline_windows", "drop", "n_scored"].map((n) =>
        sql.as(`d.${n}`, n),
      ),
    ],
    {
      from: sql.table("drops", "d"),
      joins: [withParams()],
      where: sql.op("d.drop", ">=", threshold(spec.warning)),
    },
  );
  return Q.create(
    header(
      spec.source,
      spec.name,
      spec.description,
      `${source} (this window), ${history} (stored windows) and ${VIEWS.params}`,
    ),
    [baselineWindows, baselines, drops],
    body,
  );
}
