/**
 * Alerts as ordinary specs: a history operator (`baseline`) over a metric's stored rows, and an
 * alert that reads the metric's current row and that baseline. Its result columns and its levels
 * are expressions, not fixed fields:
 *
 *   baseline(sentimentWindow, "avg_score", 8, { min: 4, where: (w) => atLeast(w.n_scored, 20) });
 *   baseline(sentimentWindow, "avg_scor", 8, { min: 4 }); // compile error: no such column
 *   baseline(hashtagWindow, "count", 8, { min: 4 });      // per (topic, tag): a trend
 *
 * Expressions are plain data (`AlertValue`, `AlertCondition`); `compile/alert.ts` turns them into
 * Spark SQL and `alertColumns` gives the typed result columns the tables are made from.
 */
import type { ResultType } from "./dsl.ts";
import type { AggregateSpec, SpecBase } from "./kinds.ts";
import type { Dimensions, GeneralMetricSpec } from "./metric-kind.ts";

/** What an alert needs of a measure: its stored type, and whether it can be NULL. */
export type AlertMeasures = Readonly<
  Record<string, { readonly type: ResultType; readonly nullable: boolean }>
>;
type Measures = AlertMeasures;

/**
 * A metric a baseline can read: an aggregate (one row per window and topic) or a metric of the
 * general kind, whose dimensions make the baseline per (topic, dimension values): a trend.
 */
export type BaselineMetric = AggregateSpec | GeneralMetricSpec<Dimensions>;

/** The dimensions of a baseline's metric, in result-column order (none for an aggregate). */
export const baselineDimensions = (b: Baseline): string[] =>
  b.metric.kind === "metric" ? Object.keys(b.metric.dimensions) : [];

/**
 * The statistics of a baseline: windows counted, mean and sample standard deviation of the values,
 * and `seen`, the windows of those where the entity itself has a row (a dimensional baseline only).
 */
export type BaselineStat = "count" | "mean" | "sd" | "seen";

/** A number of one alert row. */
export type AlertValue =
  /** The current window's value of a column of the baseline's metric (or, inside `where`, a baseline window's). */
  | { readonly op: "current"; readonly column: string }
  | { readonly op: "baseline"; readonly stat: BaselineStat }
  /** One of the alert's own result columns, by name. */
  | { readonly op: "output"; readonly column: string }
  | { readonly op: "literal"; readonly value: number }
  | {
      readonly op: "arith";
      readonly fn: "+" | "-" | "*" | "/";
      readonly left: AlertValue;
      readonly right: AlertValue;
    }
  /** The largest non-NULL argument. */
  | { readonly op: "greatest"; readonly args: readonly AlertValue[] }
  /** `ifTrue` where `cond` holds, else `ifFalse`. */
  | {
      readonly op: "when";
      readonly cond: AlertCondition;
      readonly ifTrue: AlertValue;
      readonly ifFalse: AlertValue;
    };

/** A condition over alert values. A comparison with a NULL side is false. */
export type AlertCondition =
  | {
      readonly op: "compare";
      readonly fn: ">=" | ">" | "<=" | "<";
      readonly left: AlertValue;
      readonly right: AlertValue;
    }
  | { readonly op: "and"; readonly args: readonly AlertCondition[] }
  /** The entity has no row in the baseline's windows (a dimensional baseline only). */
  | { readonly op: "new" };

/** What an alert column stores: a number, or whether a condition holds (a boolean column). */
export type AlertColumnValue = AlertValue | AlertCondition;

/** The columns of a metric's row as alert values; a misspelt column is a compile error. */
export type RowOf<M extends Measures> = { readonly [K in keyof M & string]: AlertValue };
export type BaselineOf = { readonly [S in BaselineStat]: AlertValue } & { readonly new: AlertCondition };

/**
 * `baseline(metric, column, K, { min, where })`: the values of `column` in the previous K windows
 * of the same topic where `metric` has a row (and `where` holds for that row; a NULL value does not
 * count), with count, mean and sample sd. Fewer than `min` such windows: no baseline, no alert.
 *
 * Over a metric with dimensions the baseline is per (topic, dimension values): its windows are
 * those of the K where the metric has any row of the topic, and in one of them where the entity
 * has no row, a measure that is never NULL (a count or a sum: 0 over no records) counts as 0 and
 * any other measure does not count. `seen` counts the windows where the entity has a row; `new`
 * holds when it has none. `where` is for metrics without dimensions.
 */
export interface Baseline<M extends Measures = Measures> {
  /** `measures: M` types the rows the alert's expressions read. */
  readonly metric: BaselineMetric & { readonly measures: M };
  /** A measure of `metric` (checked by the type of `baseline()`). */
  readonly column: string;
  /** K: the window slots right before W, by time (a quiet slot shrinks the baseline). */
  readonly windows: number;
  readonly min: number;
  /** Over the baseline window's row (`current` values there are that window's). */
  readonly where?: AlertCondition | undefined;
}

/** Severities, lowest first: an alert is raised when `warning` holds, and is critical when `critical` holds too. */
export const SEVERITIES = ["warning", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Per (window, topic): an alert row when the current row of a metric departs from its baseline. */
export interface AlertSpec extends SpecBase {
  readonly kind: "alert";
  readonly baseline: Baseline;
  /**
   * Result columns after the key (window_start, window_end, topic, the metric's dimensions) and
   * severity, in order; `threshold` and `rule` follow them (ALERT_BOUND_COLUMNS).
   */
  readonly columns: Readonly<Record<string, AlertColumnValue>>;
  readonly levels: Readonly<Record<Severity, AlertCondition>>;
}

/** What a spec file writes: columns and levels as functions of the current row and the baseline. */
export interface AlertDefinition<M extends Measures, O extends string> {
  readonly name: string;
  readonly description: string;
  readonly baseline: Baseline<M>;
  readonly columns: (row: RowOf<M>, base: BaselineOf) => Readonly<Record<O, AlertColumnValue>>;
  readonly levels: (
    row: RowOf<M>,
    base: BaselineOf,
    out: { readonly [K in O]: AlertValue },
  ) => Readonly<Record<Severity, AlertCondition>>;
}

const rowOf = <M extends Measures>(metric: { readonly measures: M }): RowOf<M> =>
  Object.freeze(
    Object.fromEntries(
      Object.keys(metric.measures).map((c) => [c, Object.freeze({ op: "current", column: c })]),
    ),
  ) as RowOf<M>;

const BASE: BaselineOf = Object.freeze({
  count: Object.freeze({ op: "baseline", stat: "count" }),
  mean: Object.freeze({ op: "baseline", stat: "mean" }),
  sd: Object.freeze({ op: "baseline", stat: "sd" }),
  seen: Object.freeze({ op: "baseline", stat: "seen" }),
  new: Object.freeze({ op: "new" }),
});

export function baseline<S extends BaselineMetric, C extends keyof S["measures"] & string>(
  metric: S,
  column: C,
  windows: number,
  opts: { readonly min: number; readonly where?: (row: RowOf<S["measures"]>) => AlertCondition },
): Baseline<S["measures"]> {
  return Object.freeze({
    metric,
    column,
    windows,
    min: opts.min,
    where: opts.where?.(rowOf(metric)),
  });
}

/** Evaluates a definition's functions into the plain-data spec (`define.alert`). */
export function alertFromDefinition<M extends Measures, O extends string>(
  source: string,
  d: AlertDefinition<M, O>,
): AlertSpec {
  const row = rowOf(d.baseline.metric);
  const columns = d.columns(row, BASE);
  const out = Object.fromEntries(
    Object.keys(columns).map((c) => [c, Object.freeze({ op: "output", column: c })]),
  ) as { [K in O]: AlertValue };
  return Object.freeze({
    kind: "alert",
    source,
    name: d.name,
    description: d.description,
    baseline: d.baseline,
    columns: Object.freeze({ ...columns }),
    levels: Object.freeze({ ...d.levels(row, BASE, out) }),
  });
}

type Num = AlertValue | number;
const val = (v: Num): AlertValue => (typeof v === "number" ? Object.freeze({ op: "literal", value: v }) : v);
const arith = (fn: "+" | "-" | "*" | "/") => (left: Num, right: Num) =>
  Object.freeze({ op: "arith", fn, left: val(left), right: val(right) }) as AlertValue;
const compare = (fn: ">=" | ">" | "<=" | "<") => (left: Num, right: Num) =>
  Object.freeze({ op: "compare", fn, left: val(left), right: val(right) }) as AlertCondition;

/** Arithmetic and conditions for alert columns and levels (numbers are literals). */
export const alertMath = Object.freeze({
  plus: arith("+"),
  minus: arith("-"),
  times: arith("*"),
  /** NULL when the divisor is 0. */
  div: arith("/"),
  greatest: (...args: Num[]): AlertValue => Object.freeze({ op: "greatest", args: args.map(val) }),
  /** `then` where `cond` holds, else `otherwise`: `when(b.new, 50, times(5, b.mean))`. */
  when: (cond: AlertCondition, then: Num, otherwise: Num): AlertValue =>
    Object.freeze({ op: "when", cond, ifTrue: val(then), ifFalse: val(otherwise) }),
  atLeast: compare(">="),
  above: compare(">"),
  atMost: compare("<="),
  below: compare("<"),
  and: (...args: AlertCondition[]): AlertCondition => Object.freeze({ op: "and", args }),
});

/** Every value directly inside an expression or condition (for walks). */
function children(e: AlertValue | AlertCondition): (AlertValue | AlertCondition)[] {
  switch (e.op) {
    case "arith":
    case "compare":
      return [e.left, e.right];
    case "when":
      return [e.cond, e.ifTrue, e.ifFalse];
    case "greatest":
    case "and":
      return [...e.args];
    default:
      return [];
  }
}

/** Columns of the metric an alert reads: referenced anywhere, plus the baseline column; in measure order. */
export function alertSourceColumns(spec: AlertSpec): string[] {
  const used = new Set<string>([spec.baseline.column]);
  const walk = (e: AlertValue | AlertCondition) => {
    if (e.op === "current") used.add(e.column);
    children(e).forEach(walk);
  };
  [...Object.values(spec.columns), ...Object.values(spec.levels)].forEach(walk);
  if (spec.baseline.where) walk(spec.baseline.where);
  return Object.keys(spec.baseline.metric.measures).filter((c) => used.has(c));
}

/** The alert's own columns its levels read (`out.drop`), in column order. */
export function levelOutputs(spec: AlertSpec): string[] {
  const used = new Set<string>();
  const walk = (e: AlertValue | AlertCondition) => {
    if (e.op === "output") used.add(e.column);
    children(e).forEach(walk);
  };
  Object.values(spec.levels).forEach(walk);
  return Object.keys(spec.columns).filter((c) => used.has(c));
}

/**
 * Values that cannot be NULL in a stored alert row: every alert satisfies `levels.warning`, and a
 * comparison (or arithmetic) with a NULL operand is not true, so each current or output column
 * reached through comparisons, arithmetic and `and` (not `greatest`, which skips NULLs, nor a
 * branch of `when`) is set.
 */
function guarded(spec: AlertSpec): Set<string> {
  const out = new Set<string>();
  const walk = (e: AlertValue | AlertCondition) => {
    if (e.op === "current") out.add(`current:${e.column}`);
    else if (e.op === "output" && !out.has(`output:${e.column}`)) {
      out.add(`output:${e.column}`);
      const def = spec.columns[e.column];
      if (def) walk(def);
    } else if (e.op !== "greatest" && e.op !== "when") children(e).forEach(walk);
  };
  walk(spec.levels.warning);
  return out;
}

export interface AlertColumn {
  readonly name: string;
  readonly type: ResultType;
  readonly nullable: boolean;
}

const isCondition = (e: AlertColumnValue): e is AlertCondition =>
  e.op === "compare" || e.op === "and" || e.op === "new";

/**
 * The declared result columns with their PostgreSQL type: a current column keeps its measure's
 * type, the count and `seen` are integers, mean and sd are doubles (a baseline has ≥ min ≥ 2
 * values), `+ - *` of integers stay bigint, anything else is a double; a condition is a boolean.
 * A division may be NULL.
 */
export function alertColumns(spec: AlertSpec): AlertColumn[] {
  const { columnType, nullable, safe } = typing(spec);
  return Object.entries(spec.columns).map(([name, e]) =>
    Object.freeze({
      name,
      type: columnType(e),
      // A condition is true or false: a comparison with NULL is false, not NULL (compile/alert.ts).
      nullable: !isCondition(e) && !safe.has(`output:${name}`) && nullable(e),
    }),
  );
}

/** Whether a stored row's `threshold` can be NULL: the bound of either severity can. */
export const alertThresholdNullable = (spec: AlertSpec): boolean =>
  SEVERITIES.some((s) => typing(spec).nullable(alertBound(spec, s)));

/** The type and nullability of an alert's values (`alertColumns`). */
function typing(spec: AlertSpec) {
  const measures = spec.baseline.metric.measures;
  const safe = guarded(spec);
  const ints = (...xs: AlertValue[]) => xs.every((x) => typeOf(x) !== "double precision");
  const typeOf = (e: AlertValue): ResultType => {
    switch (e.op) {
      case "current":
        return measures[e.column]!.type;
      case "baseline":
        return e.stat === "count" || e.stat === "seen" ? "integer" : "double precision";
      case "output":
        return columnType(spec.columns[e.column]!);
      case "literal":
        return Number.isInteger(e.value) ? "bigint" : "double precision";
      case "arith":
        return ints(e.left, e.right) && e.fn !== "/" ? "bigint" : "double precision";
      case "greatest":
        return ints(...e.args) ? "bigint" : "double precision";
      case "when":
        return ints(e.ifTrue, e.ifFalse) ? "bigint" : "double precision";
    }
  };
  const columnType = (e: AlertColumnValue): ResultType => (isCondition(e) ? "boolean" : typeOf(e));
  const nullable = (e: AlertValue): boolean => {
    switch (e.op) {
      case "current":
        return measures[e.column]!.nullable && !safe.has(`current:${e.column}`);
      case "baseline":
      case "literal":
        return false;
      case "output": {
        const def = spec.columns[e.column]!;
        return !safe.has(`output:${e.column}`) && !isCondition(def) && nullable(def);
      }
      case "arith":
        return e.fn === "/" || nullable(e.left) || nullable(e.right);
      case "greatest":
        return e.args.every(nullable);
      case "when":
        return nullable(e.ifTrue) || nullable(e.ifFalse);
    }
  };
  return { columnType, nullable, safe };
}

/**
 * Columns every alert row stores after its declared ones: the bound its severity's level
 * compared against, for that row (NULL when the bound is NULL), and that bound as text.
 */
export const ALERT_BOUND_COLUMNS = ["threshold", "rule"] as const;

/** What the types cannot catch, as (field, problem, fix); `computedBefore` = metrics the job runs earlier. */
export function alertProblems(
  spec: AlertSpec,
  computedBefore: readonly string[],
): { field: string; problem: string; fix: string }[] {
  const out: { field: string; problem: string; fix: string }[] = [];
  const add = (field: string, problem: string, fix: string) => out.push({ field, problem, fix });
  const { metric, windows, min, where } = spec.baseline;
  const dimensions = baselineDimensions(spec.baseline);
  if (!computedBefore.includes(metric.name))
    add(
      "baseline",
      `reads ${metric.name}, which the job does not compute before it`,
      `export ${metric.name} from its spec module, not as a draft (the job orders metrics by what they read)`,
    );
  if (!Number.isInteger(windows) || windows < 2)
    add("baseline windows", `is ${windows}`, "use 2 or more (a standard deviation needs two windows)");
  if (!Number.isInteger(min) || min < 2 || min > windows)
    add("baseline min", `is ${min}`, `use a whole number from 2 to the baseline's windows (${windows})`);
  const reaches = (e: AlertValue | AlertCondition, op: (AlertValue | AlertCondition)["op"]): boolean =>
    e.op === op || children(e).some((c) => reaches(c, op));
  if (where && (reaches(where, "baseline") || reaches(where, "output") || reaches(where, "new")))
    add(
      "baseline where",
      "reads the baseline or the alert's columns",
      "test only the baseline window's own columns",
    );
  if (where && dimensions.length > 0)
    add(
      "baseline where",
      `is not supported over a metric with dimensions (${metric.name}: ${dimensions.join(", ")})`,
      "leave it out, or filter in the metric's own where",
    );
  const all = [...Object.values(spec.columns), ...Object.values(spec.levels)];
  if (dimensions.length === 0 && all.some((e) => reaches(e, "new") || reachesSeen(e)))
    add(
      "levels",
      `read new or seen, which need a metric with dimensions (${metric.name} has none)`,
      "use the baseline's count, mean and sd",
    );
  for (const severity of SEVERITIES) {
    let c = spec.levels[severity];
    while (c.op === "and" && c.args.length > 0) c = c.args[c.args.length - 1]!;
    if (c.op !== "compare")
      add(
        `levels.${severity}`,
        "does not end with a comparison (its right side is the threshold every row stores)",
        "put a comparison such as atLeast(w.count, …) last",
      );
  }
  const names = Object.keys(spec.columns);
  if (names.length === 0) add("columns", "is empty", "declare the columns an alert row stores");
  for (const n of ["window_start", "window_end", "topic", "severity", "computed_at", ...dimensions])
    if (names.includes(n)) add(`columns.${n}`, "is a key column of the alert", "rename the column");
  for (const n of ALERT_BOUND_COLUMNS)
    if (names.includes(n))
      add(`columns.${n}`, "is stored by every alert (the bound its severity crossed)", "rename the column");
  for (const [n, e] of Object.entries(spec.columns))
    if (reaches(e, "output")) add(`columns.${n}`, "reads another output column", "write the expression out");
  return out;
}

const reachesSeen = (e: AlertValue | AlertCondition): boolean =>
  (e.op === "baseline" && e.stat === "seen") || children(e).some(reachesSeen);

/**
 * The right side of a level's deciding (last) comparison: the bound the alert's value had to
 * reach (compile/alert.ts stores it with each row as `threshold`, and `alertRule` as `rule`).
 */
export function alertBound(spec: AlertSpec, severity: Severity): AlertValue {
  let c = spec.levels[severity];
  while (c.op === "and") c = c.args[c.args.length - 1]!;
  if (c.op === "new") throw new Error(`${spec.name}: levels.${severity} must end with a comparison`);
  return c.right;
}

/** An output column that is exactly `e` (a stored row holds its value), if any. */
const storedAs = (spec: AlertSpec, e: AlertValue): string | undefined =>
  Object.entries(spec.columns).find(([, v]) => JSON.stringify(v) === JSON.stringify(e))?.[0];

/**
 * The bound of a severity as readers show it, in terms of the row's stored columns where it can
 * (`max(0.4, 3·baseline_sd)`, `50 if new, else 5·baseline_mean`).
 */
export function alertRule(spec: AlertSpec, severity: Severity): string {
  const cond = (c: AlertCondition): string => {
    switch (c.op) {
      case "new":
        return "new";
      case "and":
        return c.args.map(cond).join(" and ");
      case "compare":
        return `${text(c.left)} ${c.fn === ">=" ? "≥" : c.fn === "<=" ? "≤" : c.fn} ${text(c.right)}`;
    }
  };
  const text = (e: AlertValue): string => {
    const stored = e.op === "output" ? e.column : storedAs(spec, e);
    if (stored) return stored;
    switch (e.op) {
      case "current":
        return e.column;
      case "baseline":
        return e.stat;
      case "literal":
        return String(e.value);
      case "arith":
        return `${text(e.left)} ${e.fn === "*" ? "·" : e.fn} ${text(e.right)}`.replace(/ · /, "·");
      case "greatest":
        return `max(${e.args.map(text).join(", ")})`;
      case "when":
        return `${text(e.ifTrue)} if ${cond(e.cond)}, else ${text(e.ifFalse)}`;
      default:
        return "?";
    }
  };
  return text(alertBound(spec, severity));
}
