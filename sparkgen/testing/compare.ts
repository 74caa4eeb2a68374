import { difference } from "../changes/compare-rows.ts";
import type { CaseValue } from "../spec/index.ts";
import type { Placement } from "./layout.ts";

/**
 * A case's verdict: its table's stored rows in its windows against the expected ones. Pure.
 * Stored rows are made comparable first: the window as the case's own index, instants shifted
 * back to the case's time (ISO strings), bigint strings as numbers, every number to 9 decimals
 * (Spark's and V8's last-ulp differences in ln() must not matter).
 */

export interface CaseResult {
  readonly spec: string;
  readonly name: string;
  readonly source: string;
  /** Expected rows not stored. */
  readonly missing: readonly string[];
  /** Stored rows not expected. */
  readonly unexpected: readonly string[];
}

const WINDOW_BOUNDS = new Set(["window_start", "window_end"]);
const round = (x: number): number => Math.round(x * 1e9) / 1e9;

function comparable(v: unknown, shiftMs: number): CaseValue {
  if (v instanceof Date) return new Date(v.getTime() - shiftMs).toISOString();
  if (typeof v === "number") return round(v);
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) && v.length < 16) return round(Number(v));
  if (typeof v === "string" || typeof v === "boolean" || v === null) return v;
  return JSON.stringify(v);
}

/** A row as a canonical string over `columns` (in order), its window first. */
const key = (window: number, row: Readonly<Record<string, CaseValue>>, columns: readonly string[]): string =>
  JSON.stringify([window, ...columns.map((c) => [c, row[c] ?? null])]);

export function compareCase(
  p: Placement,
  source: string,
  stored: readonly Readonly<Record<string, unknown>>[],
  windowMs: number,
  origin: number,
): CaseResult {
  const c = p.case;
  const lastWindow = p.windows - 1;
  const named = [...new Set(c.expect.flatMap((r) => Object.keys(r).filter((k) => k !== "window")))];
  const columns =
    named.length > 0 ? named : Object.keys(stored[0] ?? {}).filter((k) => !WINDOW_BOUNDS.has(k));
  const expected = c.expect.map((r) => {
    const { window, ...row } = r;
    // The same normalisation as the stored side: a text column of digits (an author id) reads back
    // as a number there, so "202" must too.
    const values = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, comparable(v, 0)]));
    return key(window ?? lastWindow, values, columns);
  });
  const actual: string[] = [];
  for (const row of stored) {
    const start = (row.window_start as Date).getTime();
    const window = Math.round((start - origin) / windowMs) - p.firstWindow;
    if (window < 0 || window >= p.windows) continue;
    const values = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, comparable(v, p.shiftMs)]));
    if (c.where && Object.entries(c.where).some(([k, v]) => values[k] !== v)) continue;
    actual.push(key(window, values, columns));
  }
  return {
    spec: p.spec,
    name: c.name,
    source,
    missing: difference(expected, actual),
    unexpected: difference(actual, expected),
  };
}
