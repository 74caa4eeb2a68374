/**
 * The plan printer: the data the static step runtime (`sparkgen/runtime/trends_step`) needs to run
 * a job — SQL files in order, views, result tables and columns, history reads, session settings and
 * the event schema. No SQL text: the plan names the `.sql` files (paths relative to the plan).
 */
import type { ColumnType } from "../schema/index.ts";
import { SESSION_CONF } from "./dialect.ts";

/** The plan format the runtime reads (`PLAN_VERSION` in trends_step/plan.py). */
export const PLAN_VERSION = 2;

export interface StepMetric {
  readonly name: string;
  /** The metric's `.sql` file, relative to the plan. */
  readonly sql: string;
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
    readonly columns: readonly {
      readonly name: string;
      readonly type: "timestamptz" | "text" | "bigint" | "integer" | "double precision";
    }[];
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

export interface StepPlan {
  readonly name: string;
  readonly source: string;
  readonly description: string;
  readonly schema: readonly { readonly name: string; readonly type: ColumnType }[];
  readonly corruptColumn: string;
  readonly eventTime: string;
  /** params: one row per window of the step; events: the events of every window, with its bounds. */
  readonly views: Readonly<Record<"raw" | "classified" | "events" | "params", string>>;
  /** `.sql` files relative to the plan. */
  readonly classifySql: string;
  readonly windowEventsSql: string;
  readonly metrics: readonly StepMetric[];
}

/** Deterministic JSON (keys in the order written here), one field per line for reviewable diffs. */
export function printPlan(plan: StepPlan, session: Readonly<Record<string, string>> = SESSION_CONF): string {
  const doc = {
    version: PLAN_VERSION,
    generated: `by \`trends sparkgen\` from ${plan.source}: do not edit; change the spec and regenerate`,
    name: plan.name,
    description: plan.description,
    session,
    schema: plan.schema.map((f) => ({ name: f.name, type: f.type })),
    corrupt_column: plan.corruptColumn,
    event_time: plan.eventTime,
    views: plan.views,
    classify: plan.classifySql,
    window_events: plan.windowEventsSql,
    metrics: plan.metrics.map((m) => ({
      name: m.name,
      sql: m.sql,
      columns: m.columns,
      commit_column: m.commitColumn,
      rewrites_after: m.rewritesAfter,
      history: m.history
        ? {
            table: m.history.table,
            view: m.history.view,
            before: m.history.windowsBefore,
            after: m.history.windowsAfter,
            columns: m.history.columns,
          }
        : null,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
