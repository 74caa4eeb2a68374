/**
 * Alerts as ordinary specs: a history operator (`baseline`) over an aggregate's stored rows, and
 * an alert that reads the aggregate's current row and that baseline. Its result columns and its
 * levels are expressions, not fixed fields:
 *
 *   baseline(sentimentWindow, "avg_score", 8, { min: 4, where: (w) => atLeast(w.n_scored, 20) });
 *   baseline(sentimentWindow, "avg_scor", 8, { min: 4 }); // compile error: no such column
 *
 * Expressions are plain data (`AlertValue`, `AlertCondition`); `compile/alert.ts` turns them into
 * Spark SQL and `alertColumns` gives the typed result columns the tables are made from.
 */
import type { Measure, ResultType } from "./dsl.ts";
import type { AggregateSpec, SpecBase } from "./kinds.ts";

type Measures = Readonly<Record<string, Measure>>;

/** The statistics of a baseline: windows counted, mean and sample standard deviation of the values. */
export type BaselineStat = "count" | "mean" | "sd";

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
  | { readonly op: "greatest"; readonly args: readonly AlertValue[] };

/** A condition over alert values. A comparison with a NULL side is false. */
export type AlertCondition =
  | {
      readonly op: "compare";
      readonly fn: ">=" | ">" | "<=" | "<";
      readonly left: AlertValue;
      readonly right: AlertValue;
    }
  | { readonly op: "and"; readonly args: readonly AlertCondition[] };

/** The columns of a metric's row as alert values; a misspelt column is a compile error. */
export type RowOf<M extends Measures> = { readonly [K in keyof M & string]: AlertValue };
export type BaselineOf = { readonly [S in BaselineStat]: AlertValue };

/**
 * `baseline(metric, column, K, { min, where })`: the values of `column` in the previous K windows
 * of the same topic where `metric` has a row (and `where` holds for that row; a NULL value does not
 * count), with count, mean and sample sd. Fewer than `min` such windows: no baseline, no alert.
 */
export interface Baseline<M extends Measures = Measures> {
  readonly metric: AggregateSpec<M>;
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
  /** Result columns after window_start, window_end, topic and severity, in order. */
  readonly columns: Readonly<Record<string, AlertValue>>;
  readonly levels: Readonly<Record<Severity, AlertCondition>>;
}

/** What a spec file writes: columns and levels as functions of the current row and the baseline. */
export interface AlertDefinition<M extends Measures, O extends string> {
  readonly name: string;
  readonly description: string;
  readonly baseline: Baseline<M>;
  readonly columns: (row: RowOf<M>, base: BaselineOf) => Readonly<Record<O, AlertValue>>;
  readonly levels: (
    row: RowOf<M>,
    base: BaselineOf,
    out: { readonly [K in O]: AlertValue },
  ) => Readonly<Record<Severity, AlertCondition>>;
}

const rowOf = <M extends Measures>(metric: AggregateSpec<M>): RowOf<M> =>
  Object.freeze(
    Object.fromEntries(
      Object.keys(metric.measures).map((c) => [c, Object.freeze({ op: "current", column: c })]),
    ),
  ) as RowOf<M>;

const BASE: BaselineOf = Object.freeze({
  count: Object.freeze({ op: "baseline", stat: "count" }),
  mean: Object.freeze({ op: "baseline", stat: "mean" }),
  sd: Object.freeze({ op: "baseline", stat: "sd" }),
});

export function baseline<M extends Measures, C extends keyof M & string>(
  metric: AggregateSpec<M>,
  column: C,
  windows: number,
  opts: { readonly min: number; readonly where?: (row: RowOf<M>) => AlertCondition },
): Baseline<M> {
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

/**
 * Values that cannot be NULL in a stored alert row: every alert satisfies `levels.warning`, and a
 * comparison (or arithmetic) with a NULL operand is not true, so each current or output column
 * reached through comparisons, arithmetic and `and` (not `greatest`, which skips NULLs) is set.
 */
function guarded(spec: AlertSpec): Set<string> {
  const out = new Set<string>();
  const walk = (e: AlertValue | AlertCondition) => {
    if (e.op === "current") out.add(`current:${e.column}`);
    else if (e.op === "output" && !out.has(`output:${e.column}`)) {
      out.add(`output:${e.column}`);
      const def = spec.columns[e.column];
      if (def) walk(def);
    } else if (e.op !== "greatest") children(e).forEach(walk);
  };
  walk(spec.levels.warning);
  return out;
}

export interface AlertColumn {
  readonly name: string;
  readonly type: ResultType;
  readonly nullable: boolean;
}

/**
 * The declared result columns with their PostgreSQL type: a current column keeps its measure's
 * type, the count is an integer, mean and sd are doubles (a baseline has ≥ min ≥ 2 non-NULL
 * values), `+ - *` of integers stay bigint, anything else is a double. A division may be NULL.
 */
export function alertColumns(spec: AlertSpec): AlertColumn[] {
  const measures = spec.baseline.metric.measures;
  const safe = guarded(spec);
  const typeOf = (e: AlertValue): ResultType => {
    switch (e.op) {
      case "current":
        return measures[e.column]!.type;
      case "baseline":
        return e.stat === "count" ? "integer" : "double precision";
      case "output":
        return typeOf(spec.columns[e.column]!);
      case "literal":
        return Number.isInteger(e.value) ? "bigint" : "double precision";
      case "arith": {
        const ints = [e.left, e.right].every((x) => typeOf(x) !== "double precision");
        return ints && e.fn !== "/" ? "bigint" : "double precision";
      }
      case "greatest":
        return e.args.every((x) => typeOf(x) !== "double precision") ? "bigint" : "double precision";
    }
  };
  const nullable = (e: AlertValue): boolean => {
    switch (e.op) {
      case "current":
        return measures[e.column]!.nullable && !safe.has(`current:${e.column}`);
      case "baseline":
      case "literal":
        return false;
      case "output":
        return !safe.has(`output:${e.column}`) && nullable(spec.columns[e.column]!);
      case "arith":
        return e.fn === "/" || nullable(e.left) || nullable(e.right);
      case "greatest":
        return e.args.every(nullable);
    }
  };
  return Object.entries(spec.columns).map(([name, e]) =>
    Object.freeze({
      name,
      type: typeOf(e),
      nullable: !safe.has(`output:${name}`) && nullable(e),
    }),
  );
}

/** What the types cannot catch, as (field, problem, fix); `computedBefore` = metrics the job runs earlier. */
export function alertProblems(
  spec: AlertSpec,
  computedBefore: readonly string[],
): { field: string; problem: string; fix: string }[] {
  const out: { field: string; problem: string; fix: string }[] = [];
  const add = (field: string, problem: string, fix: string) => out.push({ field, problem, fix });
  const { metric, windows, min, where } = spec.baseline;
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
  const reaches = (e: AlertValue | AlertCondition, op: AlertValue["op"]): boolean =>
    e.op === op || children(e).some((c) => reaches(c, op));
  if (where && (reaches(where, "baseline") || reaches(where, "output")))
    add(
      "baseline where",
      "reads the baseline or the alert's columns",
      "test only the baseline window's own columns",
    );
  const names = Object.keys(spec.columns);
  if (names.length === 0) add("columns", "is empty", "declare the columns an alert row stores");
  for (const n of ["window_start", "window_end", "topic", "severity", "computed_at"])
    if (names.includes(n)) add(`columns.${n}`, "is a key column of every alert", "rename the column");
  for (const [n, e] of Object.entries(spec.columns))
    if (reaches(e, "output")) add(`columns.${n}`, "reads another output column", "write the expression out");
  return out;
}

/** The right side of a level's deciding (last) comparison: the bound the alert's value had to reach. */
function bound(spec: AlertSpec, severity: Severity): AlertValue {
  let c = spec.levels[severity];
  while (c.op === "and") c = c.args[c.args.length - 1]!;
  return c.right;
}

/** An output column that is exactly `e` (a stored row holds its value), if any. */
const storedAs = (spec: AlertSpec, e: AlertValue): string | undefined =>
  Object.entries(spec.columns).find(([, v]) => JSON.stringify(v) === JSON.stringify(e))?.[0];

/**
 * What a reader shows beside a stored alert: the bound its severity's level compared against
 * (e.g. `max(0.4, 3·baseline_sd)`), as text and as the number for that row. The number is NULL
 * when the bound needs a value the row does not store.
 */
export function alertBound(
  spec: AlertSpec,
  severity: Severity,
  row: Readonly<Record<string, number | null>>,
): { rule: string; value: number | null } {
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
      default:
        return "?";
    }
  };
  const value = (e: AlertValue): number | null => {
    const stored = e.op === "output" ? e.column : storedAs(spec, e);
    if (stored) return row[stored] ?? null;
    switch (e.op) {
      case "literal":
        return e.value;
      case "arith": {
        const [l, r] = [value(e.left), value(e.right)];
        if (l === null || r === null) return null;
        const ops = { "+": l + r, "-": l - r, "*": l * r, "/": r === 0 ? null : l / r };
        return ops[e.fn];
      }
      case "greatest": {
        const vs = e.args.map(value).filter((v): v is number => v !== null);
        return vs.length ? Math.max(...vs) : null;
      }
      default:
        return null;
    }
  };
  const b = bound(spec, severity);
  return { rule: text(b), value: value(b) };
}
