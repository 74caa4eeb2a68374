import { QueryNode as Q, type QueryNode, sql } from "../ast/index.ts";
import type { AlertSpec } from "../spec/kinds.ts";
import { header, historyView, VIEWS } from "./common.ts";

/**
 * docs/contracts.md "Sentiment alert". Reading of "the previous N windows": the N window slots right
 * before a window (by time, same topic), of which those with enough scored tweets form the
 * baseline — a quiet night shrinks the baseline instead of reaching back to yesterday.
 *
 * "A rerun or catch-up of earlier windows must give the same alerts as processing in order": a
 * window W is in the baseline of the N windows after it, so the step recomputes the alerts of W
 * and of every stored window in (W, W + N·length] from the stored sentiment rows plus W's fresh
 * ones, and replaces that range of alerts in the same transaction.
 */
export function compileAlert(spec: AlertSpec): QueryNode {
  const source = spec.from.name;
  const history = historyView(source);
  const n = spec.baselineWindows;
  const secs = (e: string) => sql.fn("unix_seconds", e);
  const windowLength = sql.op(secs("p.window_end"), "-", secs("p.window_start"));
  const span = sql.op(n, "*", windowLength);
  const rows = sql.cte(
    "sentiment_rows",
    `${source} of this window (just computed) and of the stored windows up to ${n} before and after it`,
    sql.unionAll(
      sql.select(["window_start", "window_end", "topic", spec.scored, spec.score], {
        from: sql.table(source),
      }),
      sql.select(["h.window_start", "h.window_end", "h.topic", `h.${spec.scored}`, `h.${spec.score}`], {
        from: sql.table(history, "h"),
        joins: [sql.join("CROSS", sql.table(VIEWS.params, "p"))],
        where: sql.op("h.window_start", "<>", "p.window_start"),
      }),
    ),
  );
  const targets = sql.cte(
    "target_windows",
    `windows whose alert depends on this one: this window and the ${n} after it`,
    sql.select([sql.star("s")], {
      from: sql.table("sentiment_rows", "s"),
      joins: [sql.join("CROSS", sql.table(VIEWS.params, "p"))],
      where: sql.and(
        sql.op("s.window_start", ">=", "p.window_start"),
        sql.op(secs("s.window_start"), "<=", sql.op(secs("p.window_start"), "+", span)),
      ),
    }),
  );
  const baselineWindows = sql.cte(
    "baseline_windows",
    `for each target window: the ${n} windows before it, same topic, with ${spec.scored} >= ${spec.minScored}`,
    sql.select(["t.window_start", "t.topic", sql.as(`b.${spec.score}`, "score")], {
      from: sql.table("target_windows", "t"),
      joins: [
        sql.join("CROSS", sql.table(VIEWS.params, "p")),
        sql.join(
          "INNER",
          sql.table("sentiment_rows", "b"),
          sql.and(
            sql.eq("b.topic", "t.topic"),
            sql.op("b.window_start", "<", "t.window_start"),
            sql.op(secs("b.window_start"), ">=", sql.op(secs("t.window_start"), "-", span)),
          ),
        ),
      ],
      where: sql.op(`b.${spec.scored}`, ">=", spec.minScored),
    }),
  );
  const baselines = sql.cte(
    "baselines",
    "mean and sample standard deviation of the baseline scores",
    sql.select(
      [
        "window_start",
        "topic",
        sql.as(sql.cast(sql.count(), "INT"), "baseline_windows"),
        sql.as(sql.fn("avg", "score"), "baseline_mean"),
        sql.as(sql.fn("stddev_samp", "score"), "baseline_sd"),
      ],
      { from: sql.table("baseline_windows"), groupBy: [sql.col("window_start"), sql.col("topic")] },
    ),
  );
  const drops = sql.cte(
    "drops",
    `drop = baseline mean - the window's score, where both sides have enough data (>= ${spec.minBaselineWindows} baseline windows)`,
    sql.select(
      [
        "t.window_start",
        "t.window_end",
        "t.topic",
        sql.as(`t.${spec.score}`, "avg_score"),
        "b.baseline_mean",
        "b.baseline_sd",
        "b.baseline_windows",
        sql.as(sql.op("b.baseline_mean", "-", `t.${spec.score}`), "drop"),
        sql.as(`t.${spec.scored}`, "n_scored"),
      ],
      {
        from: sql.table("target_windows", "t"),
        joins: [
          sql.join(
            "INNER",
            sql.table("baselines", "b"),
            sql.and(sql.eq("b.window_start", "t.window_start"), sql.eq("b.topic", "t.topic")),
          ),
        ],
        where: sql.and(
          sql.op(`t.${spec.scored}`, ">=", spec.minScored),
          sql.op("b.baseline_windows", ">=", spec.minBaselineWindows),
        ),
      },
    ),
  );
  const threshold = (l: AlertSpec["warning"]) =>
    sql.fn("greatest", sql.lit(l.minDrop), sql.op(sql.lit(l.sdFactor), "*", "d.baseline_sd"));
  const body = sql.select(
    [
      "d.window_start",
      "d.window_end",
      "d.topic",
      sql.as(
        sql.caseWhen(
          [[sql.op("d.drop", ">=", threshold(spec.critical)), sql.lit("critical")]],
          sql.lit("warning"),
        ),
        "severity",
      ),
      ...["avg_score", "baseline_mean", "baseline_sd", "baseline_windows", "drop", "n_scored"].map((c) =>
        sql.as(`d.${c}`, c),
      ),
    ],
    { from: sql.table("drops", "d"), where: sql.op("d.drop", ">=", threshold(spec.warning)) },
  );
  return Q.create(
    header(
      spec.source,
      spec.name,
      spec.description,
      `${source} (this window), ${history} (stored windows around it) and ${VIEWS.params}`,
    ),
    [rows, targets, baselineWindows, baselines, drops],
    body,
  );
}
