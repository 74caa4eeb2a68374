/**
 * Spark 3.5 (EMR 7.x) vs Spark 4.x: every difference the generator cares about, in one place.
 * The generated SQL targets the intersection of both, so one committed file runs on either.
 */
import { TrendsError } from "../../runtime/errors/index.ts";

/**
 * Session settings the step pins so both versions compute the same thing:
 * - ansi off: 4.0 turns ANSI mode on by default, which would make a bad cast or a division by
 *   zero fail the whole window; the contract checks already turned bad input into bad_records,
 *   and `x / 0` must stay NULL for shares of windows with no scored tweets.
 * - CORRECTED time parsing: on 3.5 the default (EXCEPTION) throws when the legacy parser would
 *   accept a timestamp the new one rejects; a malformed created_at must be a bad record instead.
 * - UTC session time zone: windows are UTC and `to_timestamp` of `…Z` must not shift.
 * https://spark.apache.org/docs/latest/sql-migration-guide.html
 */
export const SESSION_CONF: Readonly<Record<string, string>> = {
  "spark.sql.ansi.enabled": "false",
  "spark.sql.legacy.timeParserPolicy": "CORRECTED",
  "spark.sql.session.timeZone": "UTC",
  "spark.sql.parser.escapedStringLiterals": "false",
};

/**
 * Built-in functions available with the same meaning on 3.5 and 4.x. A call outside a target's
 * list fails generation for that target: nothing reaches a cluster that cannot run it.
 */
export const FUNCTIONS: ReadonlySet<string> = new Set([
  "array",
  "array_distinct",
  "avg",
  "coalesce",
  "concat",
  "count",
  "count_if",
  "exists",
  "explode",
  "filter",
  "floor",
  "greatest",
  "isnan",
  "length",
  "ln",
  "lower",
  "max",
  "max_by",
  "min",
  "named_struct",
  "nullif",
  "pmod",
  "regexp_extract",
  "regexp_extract_all",
  "regexp_replace",
  "replace",
  "row_number",
  "split",
  "stddev_samp",
  "sum",
  "timestamp_seconds",
  "to_timestamp",
  "transform",
  "unix_seconds",
]);

export interface SparkDialect {
  /** The target's name: `spark-3.5` (EMR 7.x), `spark-4.0` (emr-spark-8.0.0). */
  readonly name: "spark-3.5" | "spark-4.0";
  /** `spark.sql.ansi.enabled` default: false on 3.5, true on 4.0. */
  readonly ansiDefault: boolean;
  /**
   * The ANSI choice the step makes on this target, explicitly, whatever the default: off on both,
   * so a bad value is a NULL (then a bad record) and `x / 0` is NULL, as the metrics are defined.
   */
  readonly ansiEnabled: boolean;
  /** Built-in functions the printer may emit for this target. */
  readonly functions: ReadonlySet<string>;
}

export const SPARK_3_5: SparkDialect = {
  name: "spark-3.5",
  ansiDefault: false,
  ansiEnabled: false,
  functions: FUNCTIONS,
};
export const SPARK_4_0: SparkDialect = {
  name: "spark-4.0",
  ansiDefault: true,
  ansiEnabled: false,
  functions: FUNCTIONS,
};
/** What the printed files must run on: EMR 7.13 (Spark 3.5.6) and emr-spark-8.0.0 (Spark 4.0.2). */
export const TARGETS: readonly SparkDialect[] = [SPARK_3_5, SPARK_4_0];

/** The session settings of a target: SESSION_CONF with the target's explicit ANSI choice. */
export const sessionConf = (d: SparkDialect): Readonly<Record<string, string>> => ({
  ...SESSION_CONF,
  "spark.sql.ansi.enabled": String(d.ansiEnabled),
});

/**
 * Words quoted with backticks when used as identifiers: Spark's ANSI reserved words (4.x
 * enforces them) plus names of functions we emit as columns (`count`, `rank`) and PostgreSQL
 * reserved words that appear in result tables (`drop`), to keep both sides readable.
 */
const RESERVED = new Set(
  `all and any array as asc authorization between both by case cast check collate column constraint count create
  cross current_date current_time current_timestamp current_user default delete desc describe distinct drop else end
  escape except exists false fetch filter for foreign from full function grant group having in inner insert intersect
  interval into is join lateral leading left like limit natural not null of on only or order outer overlaps primary rank
  references right rlike select session_user some start table then time to trailing true union unique unknown update
  user using values view when where window with`.split(/\s+/),
);

const SIMPLE = /^[a-z_][a-z0-9_]*$/;
/** PostgreSQL truncates identifiers at 63 bytes; Spark takes more, so PostgreSQL sets the limit. */
export const MAX_IDENTIFIER = 63;

/** Which spec is being printed for which target: named in every UnsupportedError. */
export interface PrintContext {
  readonly spec?: string | undefined;
  readonly target: SparkDialect;
}

export class UnsupportedError extends TrendsError {
  constructor(what: string, fix: string, ctx?: PrintContext) {
    const where = ctx ? ` (${ctx.spec ? `spec ${ctx.spec}, ` : ""}target ${ctx.target.name})` : "";
    super(`sparkgen cannot print ${what}${where}`, { fix, exitCode: 2 });
  }
}

/** Why `name` cannot be a result column/table/CTE name, or undefined when it can. */
export function identifierProblem(name: string): string | undefined {
  if (!SIMPLE.test(name))
    return `"${name}" is not lower_snake_case (letters a-z, digits, _; not starting with a digit)`;
  if (name.length > MAX_IDENTIFIER) return `"${name}" is longer than ${MAX_IDENTIFIER} characters`;
  return undefined;
}

/** An identifier as Spark SQL text: bare when simple and not reserved, else in backticks. */
export function quoteIdentifier(name: string): string {
  if (name.includes("`") || name.length === 0)
    throw new UnsupportedError(`the identifier ${JSON.stringify(name)}`, "use lower_snake_case names");
  return SIMPLE.test(name) && !RESERVED.has(name) ? name : `\`${name}\``;
}

/**
 * A Spark SQL string literal. Spark reads `\` escapes (escapedStringLiterals=false) and joins
 * adjacent literals (`'a''b'` is `ab`), so quotes are escaped with a backslash, never doubled.
 */
export function quoteString(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'").replaceAll("\n", "\\n")}'`;
}

export function printNumber(value: number): string {
  if (!Number.isFinite(value)) throw new UnsupportedError(`the number ${value}`, "use a finite number");
  // Spark reads `0.25` as DECIMAL; doubles keep the arithmetic in DOUBLE like the metrics need.
  return Number.isInteger(value) ? String(value) : `${value}D`;
}
