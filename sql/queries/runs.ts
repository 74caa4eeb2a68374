import { type Kysely, sql } from "kysely";
import type { Database, Runner, RunStatus } from "../database.ts";
import { checkRange, type RangeQuery } from "./range.ts";

export interface RunRow {
  id: number;
  windowStart: Date;
  windowEnd: Date;
  attempt: number;
  /** Attempts recorded for the window so far. */
  attempts: number;
  status: RunStatus;
  runner: Runner;
  stepId: string | null;
  inputObjects: number | null;
  rowsRead: number | null;
  badRecords: number | null;
  duplicates: number | null;
  startedAt: Date;
  finishedAt: Date | null;
  /** finishedAt − startedAt in ms; null while unfinished. */
  durationMs: number | null;
  error: string | null;
  owner: string | null;
}

export interface RunsQuery extends Omit<RangeQuery, "topic"> {
  status?: RunStatus;
}

/**
 * Pipeline runs of the windows starting in the range, newest window first, latest attempt first;
 * default limit 100.
 */
export async function pipelineRuns(db: Kysely<Database>, q: RunsQuery): Promise<RunRow[]> {
  const { limit } = checkRange(q, 100);
  let query = db
    .selectFrom("pipeline_run")
    .where("window_start", ">=", q.from)
    .where("window_start", "<", q.to);
  if (q.status !== undefined) query = query.where("status", "=", q.status);
  const rows = await query
    .select([
      "id",
      "window_start",
      "window_end",
      "attempt",
      sql<number>`(select count(*)::integer from pipeline_run p
        where p.window_start = pipeline_run.window_start and p.window_end = pipeline_run.window_end)`.as(
        "attempts",
      ),
      "status",
      "runner",
      "step_id",
      "input_objects",
      "rows_read",
      "bad_records",
      "duplicates",
      "started_at",
      "finished_at",
      "error",
      "owner",
    ])
    .orderBy("window_start", "desc")
    .orderBy("attempt", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    attempt: r.attempt,
    attempts: r.attempts,
    status: r.status,
    runner: r.runner,
    stepId: r.step_id,
    inputObjects: r.input_objects,
    rowsRead: r.rows_read,
    badRecords: r.bad_records,
    duplicates: r.duplicates,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.finished_at === null ? null : r.finished_at.getTime() - r.started_at.getTime(),
    error: r.error,
    owner: r.owner,
  }));
}
