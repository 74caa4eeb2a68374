import { type TrendsError, usageError } from "../runtime/errors/index.ts";

/** Bounds of a numeric flag; every `type: "number"` option of the CLI declares them. */
export interface NumberBounds {
  min: number;
  max: number;
  /** Whole numbers only (the default): counts, ports, milliseconds. */
  integer?: boolean;
}

const fmt = (n: number): string => n.toLocaleString("en-US");

/**
 * A yargs `coerce` that refuses what yargs lets through for `type: "number"`: NaN (`--port abc`),
 * a flag given twice (an array), fractions where a count is meant and values beyond the bounds
 * (`--tweets 1e12`). It runs while parsing, so nothing is opened or written before it refuses.
 */
export function checkedNumber(flag: string, b: NumberBounds): (v: unknown) => number {
  const integer = b.integer ?? true;
  const range = `${integer ? "a whole number" : "a number"} from ${fmt(b.min)} to ${fmt(b.max)}`;
  const refuse = (message: string, fix: string): never => {
    const e = usageError(message, fix);
    raised.set(e.message, e);
    throw e;
  };
  return (v) => {
    if (Array.isArray(v)) refuse(`${flag} is given more than once`, `give it once, ${range}`);
    if (
      typeof v !== "number" ||
      !Number.isFinite(v) ||
      (integer && !Number.isInteger(v)) ||
      v < b.min ||
      v > b.max
    )
      refuse(
        Number.isNaN(v) ? `${flag} needs a number` : `${flag} ${String(v)} is out of range`,
        `use ${range}`,
      );
    return v as number;
  };
}

/** yargs rethrows a coerce error as a bare YError with the same message; this keeps the fix. */
const raised = new Map<string, TrendsError>();

/** The flag error yargs wrapped, or the error as it is. */
export const unwrapFlagError = (e: Error): Error => raised.get(e.message) ?? e;

/** A numeric option with bounds: `.option(name, { ...numberOption(flag, bounds), describe })`. */
export const numberOption = (flag: string, bounds: NumberBounds) =>
  ({ type: "number", coerce: checkedNumber(flag, bounds) }) as const;

/**
 * yargs reads a value such as `-5h` after a flag as the short flags `-5 -h` (and so prints help
 * and exits 0). No flag takes a value that starts with "-" and a digit other than a plain
 * negative number (which the flag's own bounds refuse), so such a value is refused up front.
 */
export function refuseDashValues(args: readonly string[]): void {
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") return;
    const prev = args[i - 1]!;
    if (
      /^-\d/.test(a) &&
      !/^-\d+(\.\d+)?(e[+-]?\d+)?$/i.test(a) &&
      /^--?[a-z]/i.test(prev) &&
      !prev.includes("=")
    )
      throw usageError(
        `${prev} ${JSON.stringify(a)} is negative; durations and counts are positive`,
        `drop the minus sign (e.g. ${prev} ${a.slice(1)})`,
      );
  }
}
