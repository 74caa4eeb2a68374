import type { EventV1 } from "../schema/index.ts";

/**
 * Test cases a spec carries in its own file (`trends sparkgen test`): given event records, expect
 * rows of the spec's table. Like dbt's unit tests, they run without deploying anything: every
 * case of every spec goes through the generated step in one Spark application.
 */

/**
 * One event of a case: any v1 fields (the rest take neutral defaults: an English, unscored
 * original by `u1` on topic `acme`), placed by `window` (default 0, the case's first) and `at`
 * (`"mm:ss"` or `"mm:ss.SSS"` into that window; default one second after the previous event), or
 * by an absolute `created_at` read against the case's `start`.
 */
export type CaseEvent = Partial<EventV1> & { readonly window?: number; readonly at?: string };

/** A value a result column is compared with: numbers to 9 decimals, instants as ISO strings. */
export type CaseValue = string | number | boolean | null;

/** An expected row: the columns it names are compared; `window` (default the case's last) picks it. */
export type ExpectedRow = Readonly<Record<string, CaseValue>> & { readonly window?: number };

export interface SpecCase {
  readonly name: string;
  /** The case's first window start, aligned to the job's windows (default 2026-11-26T04:00:00Z). */
  readonly start?: string;
  /**
   * Windows the case's expectation covers (default: through the last window with an event). An
   * event after them is still read, and shows it is left out.
   */
  readonly windows?: number;
  readonly given: readonly CaseEvent[];
  /** Every row of the spec's table in the case's windows (after `where`), in any order. */
  readonly expect: readonly ExpectedRow[];
  /** Compare only the rows with these column values (e.g. `{ topic: "acme" }`). */
  readonly where?: Readonly<Record<string, CaseValue>>;
}

export interface SpecCases {
  readonly kind: "cases";
  /** The spec (result table) the cases check. */
  readonly spec: string;
  /** Repository path of the file declaring them. */
  readonly source: string;
  readonly cases: readonly SpecCase[];
}

export const DEFAULT_CASE_START = "2026-11-26T04:00:00.000Z";

export const isSpecCases = (v: unknown): v is SpecCases =>
  typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "cases";
