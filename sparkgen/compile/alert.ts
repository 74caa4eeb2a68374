import { type CteNode, type ExpressionNode, QueryNode as Q, type QueryNode, sql } from "../ast/index.ts";
import {
  ALERT_BOUND_COLUMNS,
  type AlertColumnValue,
  type AlertCondition,
  type AlertSpec,
  type AlertValue,
  alertBound,
  alertColumns,
  alertRule,
  alertSourceColumns,
  alertThresholdNullable,
  baselineDimensions,
  levelOutputs,
  SEVERITIES,
} from "../spec/alert-kind.ts";
import { AS_OF, header, KEY, VIEWS } from "./common.ts";
import { column, type MetricResult, ownWindowStep, resultOf, TABLE_KEY } from "./result.ts";

/** The CTE of each as-of window with the bounds of what its commit reads (`compileAlert`). */
const AS_OF_WINDOWS = "as_of_windows";

/** The temp view of an alert's history: the stored rows of its baseline metric around W. */
export const alertHistoryView = (spec: AlertSpec) => `${spec.name}_history`;

/** A baseline's key: the commit it is computed for (AS_OF), then the target row's key and its entity. */
const alertKey = (spec: AlertSpec) => [AS_OF, ...TABLE_KEY, ...baselineDimensions(spec.baseline)];

/** The columns of the baseline metric an alert reads: the key, the dimensions, then the measures. */
const historyColumns = (spec: AlertSpec): string[] => [
  ...KEY,
  ...baselineDimensions(spec.baseline),
  ...alertSourceColumns(spec),
];

/**
 * An alert: one row per (window, topic, the metric's dimension values) that crosses a level, with
 * its severity and the bound it crossed. `baseline` is the result of the metric its baseline
 * reads (the types of the history's and the dimensions' columns).
 *
 * Its rows are committed by the commit of their as-of window, and W is in the baseline of the next
 * K windows, so the commit of W recomputes their alerts too, from the stored rows of K windows before
 * and after.
 */
export const alertResult = (spec: AlertSpec, baseline: MetricResult): MetricResult => {
  const { metric, windows } = spec.baseline;
  const stored = (n: string) => baseline.columns.find((c) => c.name === n)!;
  const dimensions = baselineDimensions(spec.baseline);
  const [threshold, rule] = ALERT_BOUND_COLUMNS;
  return resultOf({
    query: () => compileAlert(spec),
    columns: [
      ...dimensions.map((d) => column(d, stored(d).type)),
      column("severity", "text", false, { values: SEVERITIES }),
      ...alertColumns(spec).map((c) => column(c.name, c.type, c.nullable)),
      column(threshold, "double precision", alertThresholdNullable(spec)),
      column(rule, "text"),
    ],
    key: [...TABLE_KEY, ...dimensions],
    shape: { kind: "alert" },
    step: (columns) => ({
      ...ownWindowStep(columns),
      commitColumn: AS_OF,
      rewritesAfter: windows,
      history: {
        table: metric.name,
        view: alertHistoryView(spec),
        windowsBefore: windows,
        windowsAfter: windows,
        columns: historyColumns(spec).map((n) => ({ name: n, type: stored(n).type })),
      },
    }),
  });
};

/** The column of `baselines` holding each statistic. */
const STAT_COLUMN = {
  count: "baseline_windows",
  mean: "baseline_mean",
  sd: "baseline_sd",
  seen: "baseline_seen",
} as const;

const isCondition = (e: AlertColumnValue): e is AlertCondition =>
  e.op === "compare" || e.op === "and" || e.op === "new";

/**
 * Where an alert expression finds what it reads: the current row's columns (`current`: t, or b
 * inside a baseline's `where`), the baseline's statistics (`baseline`), and the output columns
 * already computed under their names in `current` (`computed`; any other is inlined).
 */
interface Scope {
  readonly current: string;
  readonly baseline: string;
  readonly computed: ReadonlySet<string>;
}
const rowScope = (current: string): Scope => ({ current, baseline: "b", computed: new Set() });

/** SQL of an alert column: a value, or a condition as a boolean that is never NULL. */
function columnValue(spec: AlertSpec, e: AlertColumnValue, at: Scope): ExpressionNode {
  return isCondition(e) ? sql.fn("coalesce", condition(spec, e, at), sql.lit(false)) : value(spec, e, at);
}

/** SQL of an alert value. */
function value(spec: AlertSpec, e: AlertValue, at: Scope): ExpressionNode {
  switch (e.op) {
    case "current":
      return sql.col(e.column, at.current);
    case "baseline":
      return sql.col(STAT_COLUMN[e.stat], at.baseline);
    case "output": {
      if (at.computed.has(e.column)) return sql.col(e.column, at.current);
      // Inlined: Spark cannot reference a select alias in WHERE (the same arithmetic, the same double).
      const def = spec.columns[e.column]!;
      if (isCondition(def)) throw new Error(`${spec.name}: ${e.column} is a condition, not a number`);
      return value(spec, def, at);
    }
    case "literal":
      return sql.lit(e.value);
    case "arith":
      return sql.op(value(spec, e.left, at), e.fn, value(spec, e.right, at));
    case "greatest":
      return sql.fn("greatest", ...e.args.map((a) => value(spec, a, at)));
    case "when":
      return sql.caseWhen(
        [[condition(spec, e.cond, at), value(spec, e.ifTrue, at)]],
        value(spec, e.ifFalse, at),
      );
  }
}

function condition(spec: AlertSpec, c: AlertCondition, at: Scope): ExpressionNode {
  switch (c.op) {
    case "and":
      return sql.and(...c.args.map((a) => condition(spec, a, at)));
    case "new":
      return sql.eq(sql.col(STAT_COLUMN.seen, at.baseline), 0);
    case "compare":
      return sql.op(value(spec, c.left, at), c.fn, value(spec, c.right, at));
  }
}

/**
 * An alert spec (spec/alert-kind.ts). Reading of "the previous K windows": the K window slots
 * right before a window (by time, same topic), of which those meeting the baseline's `where` form
 * the baseline — a quiet night shrinks the baseline instead of reaching back to yesterday.
 *
 * "A rerun or catch-up of earlier windows must give the same alerts as processing in order": a
 * window W is in the baseline of the K windows after it, so the commit of W recomputes the alerts
 * of W and of every stored window in (W, W + K·length] from the stored rows plus W's fresh ones,
 * and replaces that range of alerts in the same transaction.
 *
 * A step computes all its windows at once, but commits them one by one. So the alerts are
 * computed once per commit, `as of` it: the commit of window A sees the step's rows of its windows
 * up to A, and the stored rows of every other window. Each row says which commit writes it
 * (AS_OF); the rows of one commit equal those of a step of window A alone.
 *
 * Over a metric with dimensions the baseline is per entity (`entityBaselines`).
 */
export function compileAlert(spec: AlertSpec): QueryNode {
  const { metric, column, windows: n, min, where } = spec.baseline;
  const dimensions = baselineDimensions(spec.baseline);
  const ALERT_KEY = alertKey(spec);
  const source = metric.name;
  const history = alertHistoryView(spec);
  const rowsView = `${source}_rows`;
  const keyed = historyColumns(spec);
  // What the commit of each as-of window reads, computed once per window of the step from its
  // bounds (the step's windows have one length); the joins below compare window starts with them.
  const span = sql.op(n, "*", sql.op("window_end", "-", "window_start"));
  const bounds = sql.cte(
    AS_OF_WINDOWS,
    `each window A of the step, with the window starts its commit reads (${n} windows before A to ${n} after) and the span of a baseline (${n} windows)`,
    sql.select(
      [
        sql.as("window_start", AS_OF),
        sql.as(sql.op("window_start", "-", span), "reads_from"),
        sql.as(sql.op("window_start", "+", span), "reads_until"),
        sql.as(span, "baseline_span"),
      ],
      { from: sql.table(VIEWS.params) },
    ),
  );
  const asOf = [`p.${AS_OF}`, "p.reads_until", "p.baseline_span"];
  const within = (x: string, from: string, until: string) =>
    sql.and(sql.op(x, ">=", from), sql.op(x, "<=", until));
  const rows = sql.cte(
    rowsView,
    `for the commit of each window A of the step: ${source} of the windows up to ${n} before and after A, as it sees them — the step's rows of its windows up to A (just computed), the stored rows of the others`,
    sql.unionAll(
      sql.select([...asOf, ...keyed.map((c) => `s.${c}`)], {
        from: sql.table(source, "s"),
        joins: [
          sql.join(
            "INNER",
            sql.table(AS_OF_WINDOWS, "p"),
            within("s.window_start", "p.reads_from", `p.${AS_OF}`),
          ),
        ],
      }),
      sql.select([...asOf, ...keyed.map((c) => `h.${c}`)], {
        from: sql.table(history, "h"),
        joins: [
          sql.join(
            "INNER",
            sql.table(AS_OF_WINDOWS, "p"),
            within("h.window_start", "p.reads_from", "p.reads_until"),
          ),
          sql.join(
            "LEFT ANTI",
            sql.table(VIEWS.params, "q"),
            sql.and(sql.eq("q.window_start", "h.window_start"), sql.op("q.window_start", "<=", `p.${AS_OF}`)),
          ),
        ],
      }),
    ),
  );
  const targets = sql.cte(
    "target_windows",
    `windows whose alert depends on A: A and the ${n} after it, each with the first window start of its baseline`,
    sql.select([sql.star("s"), sql.as(sql.op("s.window_start", "-", "s.baseline_span"), "baseline_from")], {
      from: sql.table(rowsView, "s"),
      where: within("s.window_start", `s.${AS_OF}`, "s.reads_until"),
    }),
  );
  const inSlots = [
    sql.eq(`b.${AS_OF}`, `t.${AS_OF}`),
    sql.eq("b.topic", "t.topic"),
    sql.op("b.window_start", "<", "t.window_start"),
    sql.op("b.window_start", ">=", "t.baseline_from"),
  ];
  const baselineWindows =
    dimensions.length > 0
      ? undefined
      : sql.cte(
          "baseline_windows",
          `for each target window: its ${column} in the ${n} windows before it, same topic${where ? ", where the baseline's condition holds" : ""}`,
          sql.select([...ALERT_KEY.map((c) => `t.${c}`), sql.as(`b.${column}`, "value")], {
            from: sql.table("target_windows", "t"),
            joins: [sql.join("INNER", sql.table(rowsView, "b"), sql.and(...inSlots))],
            ...(where ? { where: condition(spec, where, rowScope("b")) } : {}),
          }),
        );
  const stats = [
    sql.as(sql.cast(sql.count("value"), "INT"), STAT_COLUMN.count),
    sql.as(sql.fn("avg", "value"), STAT_COLUMN.mean),
    sql.as(sql.fn("stddev_samp", "value"), STAT_COLUMN.sd),
    ...(dimensions.length > 0 ? [sql.as(sql.cast(sql.count("seen_window"), "INT"), STAT_COLUMN.seen)] : []),
  ];
  const baselines = sql.cte(
    "baselines",
    `windows with a value, their mean and sample standard deviation${dimensions.length > 0 ? ", and the windows where the entity has a row" : ""}`,
    sql.select([...ALERT_KEY, ...stats], {
      from: sql.table("baseline_windows"),
      groupBy: ALERT_KEY.map((c) => sql.col(c)),
    }),
  );
  const targetKey = sql.and(...ALERT_KEY.map((c) => sql.eq(`b.${c}`, `t.${c}`)));
  const compared = againstBaseline(
    spec,
    targetKey,
    stats.map((i) => i.alias!),
  );
  // Highest first: a row is of the highest severity whose level holds.
  const [lowest, ...higher] = SEVERITIES;
  const ordered = [...higher].reverse();
  const at = compared?.scope ?? rowScope("t");
  const bySeverity = (of: (s: (typeof SEVERITIES)[number]) => ExpressionNode) =>
    sql.caseWhen(
      ordered.map((s) => [condition(spec, spec.levels[s], at), of(s)]),
      of(lowest),
    );
  const [threshold, rule] = ALERT_BOUND_COLUMNS;
  const body = sql.select(
    [
      ...[AS_OF, ...KEY, ...dimensions].map((c) => `${at.current}.${c}`),
      sql.as(bySeverity(sql.lit), "severity"),
      ...Object.entries(spec.columns).map(([name, e]) =>
        sql.as(at.computed.has(name) ? sql.col(name, at.current) : columnValue(spec, e, at), name),
      ),
      sql.as(
        bySeverity((s) => sql.cast(value(spec, alertBound(spec, s), at), "DOUBLE")),
        threshold,
      ),
      sql.as(
        bySeverity((s) => sql.lit(alertRule(spec, s))),
        rule,
      ),
    ],
    {
      ...(compared
        ? { from: sql.table(compared.cte.name, at.current) }
        : {
            from: sql.table("target_windows", "t"),
            joins: [sql.join("INNER", sql.table("baselines", "b"), targetKey)],
          }),
      where: sql.and(
        sql.op(sql.col(STAT_COLUMN.count, at.baseline), ">=", min),
        condition(spec, spec.levels[lowest], at),
      ),
    },
  );
  return Q.create(
    header(
      spec.source,
      spec.name,
      spec.description,
      `${source} (the step's windows), ${history} (the stored windows around them) and ${VIEWS.params}`,
    ),
    [
      bounds,
      rows,
      targets,
      ...(baselineWindows ? [baselineWindows] : entityBaselineWindows(spec, rowsView, inSlots)),
      baselines,
      ...(compared ? [compared.cte] : []),
    ],
    body,
  );
}

/**
 * The output columns the levels read, computed once: each target row joined to its baseline, with
 * those columns under their names (`drop` read by the severity, threshold and rule CASEs and the
 * WHERE), so the final SELECT reads them from one relation (alias `a`). None when the levels read
 * no output column worth naming: a bare column or literal has nothing to compute, and one named
 * like a column beside it (the current row's, a statistic) stays inlined.
 */
function againstBaseline(
  spec: AlertSpec,
  targetKey: ExpressionNode,
  stats: readonly string[],
): { cte: CteNode; scope: Scope } | undefined {
  const dimensions = baselineDimensions(spec.baseline);
  // A target row's columns (target_windows) and the baselines' statistics (`stats`, as that CTE names them).
  const current = [AS_OF, ...historyColumns(spec)];
  const bare = ["current", "baseline", "literal"];
  const named = levelOutputs(spec).filter(
    (c) => !bare.includes(spec.columns[c]!.op) && !current.includes(c) && !stats.includes(c),
  );
  if (named.length === 0) return undefined;
  const cte = sql.cte(
    "against_baseline",
    `each target ${dimensions.length > 0 ? "row" : "window"} against its baseline, with ${named.join(", ")} (which the levels read) computed once`,
    sql.select(
      [
        ...current.map((c) => `t.${c}`),
        ...stats.map((c) => `b.${c}`),
        ...named.map((c) => sql.as(columnValue(spec, spec.columns[c]!, rowScope("t")), c)),
      ],
      {
        from: sql.table("target_windows", "t"),
        joins: [sql.join("INNER", sql.table("baselines", "b"), targetKey)],
      },
    ),
  );
  return { cte, scope: { current: "a", baseline: "a", computed: new Set(named) } };
}

/**
 * The baseline windows of each entity (a target row's topic and dimension values): the windows of
 * the K slots before it where the metric has any row of the topic, each with the entity's value
 * there. Where the entity has no row, a measure that is never NULL (a count or a sum) is 0 and any
 * other is NULL (not counted); `seen_window` says whether it had one (spec/alert-kind.ts).
 */
function entityBaselineWindows(
  spec: AlertSpec,
  rowsView: string,
  inSlots: readonly ExpressionNode[],
): CteNode[] {
  const { metric, column, windows: n } = spec.baseline;
  const dimensions = baselineDimensions(spec.baseline);
  const topicWindows = sql.cte(
    "topic_windows",
    `the windows where ${metric.name} has a row of the topic: the history of every entity of it`,
    sql.select([AS_OF, ...TABLE_KEY], { from: sql.table(rowsView), distinct: true }),
  );
  const entity = sql.and(
    sql.eq(`e.${AS_OF}`, `b.${AS_OF}`),
    sql.eq("e.window_start", "b.window_start"),
    sql.eq("e.topic", "b.topic"),
    ...dimensions.map((d) => sql.eq(`e.${d}`, `t.${d}`)),
  );
  const zero = !metric.measures[column]!.nullable;
  const windows = sql.cte(
    "baseline_windows",
    `for each target row: its ${column} in the topic's windows of the ${n} before it${zero ? ", 0 where it has no row" : ""}`,
    sql.select(
      [
        ...alertKey(spec).map((c) => `t.${c}`),
        sql.as(zero ? sql.fn("coalesce", `e.${column}`, sql.lit(0)) : `e.${column}`, "value"),
        sql.as("e.window_start", "seen_window"),
      ],
      {
        from: sql.table("target_windows", "t"),
        joins: [
          sql.join("INNER", sql.table("topic_windows", "b"), sql.and(...inSlots)),
          sql.join("LEFT", sql.table(rowsView, "e"), entity),
        ],
      },
    ),
  );
  return [topicWindows, windows];
}
