/**
 * `plan --verify`: a metric's stored rows against the rows the working tree's step computes for the
 * same windows. Rows are compared as multisets of canonical values over the columns both sides
 * have. Doubles compare to 12 significant digits: the same numbers summed in another order (an
 * optimisation that changes Spark's query plan) may differ in the last bits, which no reader shows.
 */

/** One row as `pg` returns it: column → value. */
export type Row = Readonly<Record<string, unknown>>;

export interface RowsComparison {
  readonly equal: boolean;
  readonly stored: number;
  readonly fresh: number;
  /** Up to 3 stored rows the step no longer computes, canonical. */
  readonly onlyStored: readonly string[];
  /** Up to 3 computed rows that are not stored, canonical. */
  readonly onlyFresh: readonly string[];
}

const SHOWN = 3;

function canonical(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "number") return Number.isInteger(v) ? v : Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(canonical);
  return v;
}

const key = (row: Row, columns: readonly string[]) =>
  JSON.stringify(columns.map((c) => [c, canonical(row[c])]));

export function compareRows(
  stored: readonly Row[],
  fresh: readonly Row[],
  columns: readonly string[],
): RowsComparison {
  const s = stored.map((r) => key(r, columns));
  const f = fresh.map((r) => key(r, columns));
  const onlyStored = difference(s, f);
  const onlyFresh = difference(f, s);
  return {
    equal: onlyStored.length === 0 && onlyFresh.length === 0,
    stored: stored.length,
    fresh: fresh.length,
    onlyStored: onlyStored.slice(0, SHOWN),
    onlyFresh: onlyFresh.slice(0, SHOWN),
  };
}

/** The elements of `a` left after removing one match in `b` for each (a multiset difference). */
export function difference(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}
