/**
 * What the compiler makes of one metric spec: every kind answers the same questions once, in one
 * `MetricResult` (compile/kinds.ts picks the kind), and the generator only assembles the answers.
 */
import type { QueryNode } from "../ast/index.ts";
import type { ResultType } from "../spec/dsl.ts";
import type { JobSpec } from "../spec/kinds.ts";
import { KEY, WINDOW } from "./common.ts";
import type { ReferenceDepthLoop } from "./reference-depth.ts";
import type { ColumnRollup, ResultShape } from "./shape.ts";

/** One column of a result table: what the sql stage's migration and Kysely types must declare. */
export interface OutputColumn {
  readonly name: string;
  readonly type: ResultType;
  readonly nullable: boolean;
  /**
   * Bounds the metric's definition guarantees (a share is 0…1, a depth at most the cap): the
   * generated DDL states them as CHECK constraints, so a step that writes nonsense fails its
   * transaction. A `rank` column is ≥ 1 without saying so.
   */
  readonly min?: number;
  readonly max?: number;
  /** The only values a text column takes (an alert's severity): a union type and a CHECK. */
  readonly values?: readonly string[];
  /** Another column of the row this one never exceeds (distinct authors ≤ records): a CHECK. */
  readonly atMost?: string;
  /** A measure's roll-up over windows (compile/shape.ts); readers follow it. */
  readonly rollup?: ColumnRollup;
}

/** How the step runs a metric and commits its rows (print/plan.ts writes it into the step plan). */
export interface StepRules {
  /** Result columns after window_start and window_end, in order. */
  readonly columns: readonly string[];
  /**
   * The result column naming the window of the step whose commit writes a row: window_start, or an
   * alert's as_of (compile/alert.ts). Not stored.
   */
  readonly commitColumn: string;
  /** A stored result table this metric reads back (for the alert baseline). */
  readonly history?: {
    readonly table: string;
    readonly view: string;
    readonly columns: readonly { readonly name: string; readonly type: ResultType }[];
    /** How many windows before and after W to read. */
    readonly windowsBefore: number;
    readonly windowsAfter: number;
  };
  /**
   * Besides W, the step replaces this metric's rows of the stored windows in (W, W + n·length]
   * (the alert: W is in their baseline). 0 for metrics of W alone.
   */
  readonly rewritesAfter: number;
}

/**
 * One metric, compiled: the statement the step runs, the table it fills and how readers and the
 * step treat that table. Only `query` reads the job (its topics, event time); the rest follows from
 * the spec alone, so a reader of the table needs no job.
 */
export interface MetricResult {
  /** The Spark SQL tree (before transforms/) of the metric's rows, for the job's windows. */
  readonly query: (job: JobSpec) => QueryNode;
  /** A reference-depth view the step computes by its loop before `query` runs (an influencer's). */
  readonly referenceDepth?: (job: JobSpec) => ReferenceDepthLoop;
  /** The columns the step writes, in order (the table's `computed_at` defaults to now()). */
  readonly columns: readonly OutputColumn[];
  /** The table's primary key: window_start and topic first (TABLE_KEY), then the kind's own. */
  readonly key: readonly string[];
  /** What a reader does with the rows (compile/shape.ts). */
  readonly shape: ResultShape;
  /** How the step runs and commits it. */
  readonly step: StepRules;
}

type Bounds = Pick<OutputColumn, "min" | "max" | "values" | "atMost" | "rollup">;
export const column = (name: string, type: ResultType, nullable = false, bounds: Bounds = {}): OutputColumn =>
  Object.freeze({ name, type, nullable, ...bounds });

/** The first columns of every result: KEY, the window's bounds as instants and the topic. */
export const KEY_COLUMNS: readonly OutputColumn[] = KEY.map((c) =>
  column(c, (WINDOW as readonly string[]).includes(c) ? "timestamptz" : "text"),
);

/** The primary key of every result before its own columns: window_end follows from window_start. */
export const TABLE_KEY: readonly string[] = KEY.filter((c) => c !== WINDOW[1]);

/** The step's rules for rows that belong to their own window: committed with it, nothing rewritten. */
export const ownWindowStep = (columns: readonly OutputColumn[]): StepRules => ({
  columns: columns.map((c) => c.name).filter((n) => !(WINDOW as readonly string[]).includes(n)),
  commitColumn: WINDOW[0],
  rewritesAfter: 0,
});

/** A kind's result, frozen, with the key columns first. */
export const resultOf = (
  r: Omit<MetricResult, "columns" | "step"> & {
    /** The columns after KEY_COLUMNS. */
    readonly columns: readonly OutputColumn[];
    readonly step?: (columns: readonly OutputColumn[]) => StepRules;
  },
): MetricResult => {
  const columns = [...KEY_COLUMNS, ...r.columns];
  return Object.freeze({ ...r, columns, step: (r.step ?? ownWindowStep)(columns) });
};
