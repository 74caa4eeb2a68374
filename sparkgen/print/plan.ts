/**
 * The plan printer: the data the static step runtime (`sparkgen/runtime/trends_step`) needs to run
 * a job — SQL files in order, views, result tables and columns, history reads, session settings and
 * the event schema. No SQL text: the plan names the `.sql` files (paths relative to the plan).
 */
import type { StepRules } from "../compile/index.ts";
import type { ColumnType } from "../schema/index.ts";
import { SESSION_CONF } from "./dialect.ts";

/** The plan format the runtime reads (`PLAN_VERSION` in trends_step/plan.py). */
export const PLAN_VERSION = 2;

/** One metric of the plan: its name, its `.sql` file and its kind's step rules (compile/result.ts). */
export interface StepMetric extends StepRules {
  readonly name: string;
  /** The metric's `.sql` file, relative to the plan. */
  readonly sql: string;
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
