/**
 * The step plan printer: the data the static step runtime (`sparkgen/runtime/trends_step`) needs to
 * run a job — SQL files in order, views, result tables and columns, history reads, session settings
 * and the event schema — from the job's compiled model. No SQL text: the plan names the `.sql`
 * files (paths relative to the plan). Its format is plan-schema.json's.
 */
import { CORRUPT_COLUMN, type CompiledJob, KEY, referenceEdgesStatement, VIEWS } from "../compile/index.ts";
import { EVENT_V1 } from "../schema/index.ts";
import { SESSION_CONF } from "./dialect.ts";
import { PLAN_SCHEMA } from "./plan-schema.ts";

/** The plan format the runtime reads: the schema's `version` (`PLAN_VERSION` in trends_step/plan.py). */
export const PLAN_VERSION = PLAN_SCHEMA.properties!.version!.const as number;

/**
 * Deterministic JSON (keys in the order written here), one field per line for reviewable diffs.
 * `sqlFile` names a statement's `.sql` file relative to the plan.
 */
export function printPlan(
  model: CompiledJob,
  sqlFile: (statement: string) => string,
  session: Readonly<Record<string, string>> = SESSION_CONF,
): string {
  const { job } = model;
  const doc = {
    version: PLAN_VERSION,
    generated: `by \`trends sparkgen\` from ${job.source}: do not edit; change the spec and regenerate`,
    name: job.name,
    description: job.description,
    session,
    schema: Object.entries(EVENT_V1).map(([name, c]) => ({ name, type: c.type })),
    corrupt_column: CORRUPT_COLUMN,
    event_time: job.eventTime,
    views: VIEWS,
    classify: sqlFile("classify_events"),
    window_events: sqlFile("window_events"),
    // The first columns of every result row and of every history the step reads back.
    key: KEY,
    metrics: model.metrics.map(({ spec, step, referenceDepth }) => ({
      name: spec.name,
      sql: sqlFile(spec.name),
      columns: step.columns,
      commit_column: step.commitColumn,
      rewrites_after: step.rewritesAfter,
      // The view the step's loop computes before the statement (compile/reference-depth.ts).
      reference_depth: referenceDepth
        ? {
            sql: sqlFile(referenceEdgesStatement(spec.name)),
            view: referenceDepth.view,
            cap: referenceDepth.cap,
          }
        : null,
      history: step.history
        ? {
            table: step.history.table,
            view: step.history.view,
            before: step.history.windowsBefore,
            after: step.history.windowsAfter,
            columns: step.history.columns,
          }
        : null,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
