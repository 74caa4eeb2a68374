import { type Kysely, sql } from "kysely";
import type { Window } from "../../runtime/windows/index.ts";
import type { Database, PipelineRun, Runner, RunStatus } from "../../sql/index.ts";
import type { StepResult } from "../runners/step-runner.ts";

/** The scheduler's database: the sql stage's `Database` (pipeline_run and the result tables). */
export type RunsDb = Kysely<Database>;

/** Statuses of an attempt that has not ended (or whose owner vanished before ending it). */
export const ACTIVE_STATUSES: readonly RunStatus[] = ["pending", "running"];

/** Everything the scheduler needs to know about one window's past attempts. */
export interface WindowHistory {
  readonly window: Window;
  /** The newest attempt (highest `attempt`). */
  readonly last: PipelineRun;
  /** The newest succeeded attempt, if any. */
  readonly succeeded: PipelineRun | undefined;
  /** `failed` attempts after the newest success: the retry budget spent. */
  readonly failuresSinceSuccess: number;
}

/** Folds pipeline_run rows (any order) into one history per window, keyed by window start (ms). */
export function foldHistory(rows: readonly PipelineRun[]): Map<number, WindowHistory> {
  const byWindow = new Map<number, PipelineRun[]>();
  for (const r of rows) {
    const k = r.window_start.getTime();
    const list = byWindow.get(k) ?? [];
    list.push(r);
    byWindow.set(k, list);
  }
  const out = new Map<number, WindowHistory>();
  for (const [k, list] of byWindow) {
    list.sort((a, b) => a.attempt - b.attempt);
    const last = list.at(-1)!;
    const okIndex = list.findLastIndex((r) => r.status === "succeeded");
    const failuresSinceSuccess = list.slice(okIndex + 1).filter((r) => r.status === "failed").length;
    out.set(k, {
      window: { start: last.window_start, end: last.window_end },
      last,
      succeeded: okIndex >= 0 ? list[okIndex] : undefined,
      failuresSinceSuccess,
    });
  }
  return out;
}

/** History of every window whose start lies in `[from, to)`. */
export async function historyBetween(db: RunsDb, from: Date, to: Date): Promise<Map<number, WindowHistory>> {
  const rows = await db
    .selectFrom("pipeline_run")
    .selectAll()
    .where("window_start", ">=", from)
    .where("window_start", "<", to)
    .execute();
  return foldHistory(rows);
}

/** History of one window (undefined when it never ran). */
export async function historyOf(db: RunsDb, w: Window): Promise<WindowHistory | undefined> {
  return (await historyBetween(db, w.start, new Date(w.start.getTime() + 1))).get(w.start.getTime());
}

/**
 * Where the scheduler resumes: the newest window with any attempt (`frontier`), and the oldest
 * window that still needs attention — its newest attempt is unfinished, interrupted, cancelled, or
 * failed with retry budget left. Both undefined on an empty table.
 */
export async function resumePoints(
  db: RunsDb,
  maxAttempts: number,
): Promise<{ frontier: Date | undefined; oldestOpen: Date | undefined }> {
  const { rows } = await sql<{ frontier: Date | null; oldest_open: Date | null }>`
    with latest as (
      select distinct on (window_start) window_start, status
      from pipeline_run order by window_start, attempt desc
    ), budget as (
      select p.window_start, count(*) filter (
        where p.status = 'failed' and p.attempt > coalesce(s.ok, 0)) as fails
      from pipeline_run p
      left join (select window_start, max(attempt) as ok from pipeline_run
                 where status = 'succeeded' group by window_start) s using (window_start)
      group by p.window_start
    )
    select (select max(window_start) from pipeline_run) as frontier,
           (select min(l.window_start) from latest l join budget b using (window_start)
             where l.status <> 'succeeded' and not (l.status = 'failed' and b.fails >= ${maxAttempts})
           ) as oldest_open`.execute(db);
  const r = rows[0];
  return { frontier: r?.frontier ?? undefined, oldestOpen: r?.oldest_open ?? undefined };
}

export interface NewAttempt {
  readonly window: Window;
  readonly runner: Runner;
  readonly owner: string;
  readonly inputObjects: number;
  readonly inputFingerprint: string;
  /** The SQL hashes of the plan the step runs (`planSqlHashes`), for `trends sparkgen plan`. */
  readonly sqlHashes?: Readonly<Record<string, string>> | undefined;
}

/**
 * Records a new attempt as `pending` with the next attempt number. Callers hold the window's lock
 * (locks.ts); the (window_start, window_end, attempt) unique key is the backstop if one does not.
 */
export async function startAttempt(db: RunsDb, a: NewAttempt): Promise<PipelineRun> {
  const prev = await db
    .selectFrom("pipeline_run")
    .select((eb) => eb.fn.max("attempt").as("n"))
    .where("window_start", "=", a.window.start)
    .executeTakeFirst();
  return db
    .insertInto("pipeline_run")
    .values({
      window_start: a.window.start,
      window_end: a.window.end,
      attempt: (prev?.n ?? 0) + 1,
      status: "pending",
      runner: a.runner,
      input_objects: a.inputObjects,
      input_fingerprint: a.inputFingerprint,
      sql_hashes: a.sqlHashes ?? null,
      // the database's clock for both ends, so finished_at >= started_at holds whatever the host's clock says
      started_at: sql<Date>`now()`,
      owner: a.owner,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The step was accepted by the runner. */
export async function markRunning(
  db: RunsDb,
  id: number,
  stepId: string,
  artifactsUri?: string,
): Promise<void> {
  await db
    .updateTable("pipeline_run")
    .set({ status: "running", step_id: stepId, ...(artifactsUri ? { artifacts_uri: artifactsUri } : {}) })
    .where("id", "=", id)
    .execute();
}

/**
 * Ends an attempt. Stats the step already wrote in its own transaction (`--run-id`) are kept
 * unless the runner read them too (then they are the same numbers).
 */
export async function finishAttempt(
  db: RunsDb,
  id: number,
  end: {
    status: Exclude<RunStatus, "pending" | "running">;
    error?: string | undefined;
    result?: StepResult | undefined;
  },
): Promise<void> {
  const stats = end.result
    ? {
        rows_read: end.result.rows_read,
        bad_records: end.result.bad_records,
        duplicates: end.result.duplicates,
      }
    : {};
  await db
    .updateTable("pipeline_run")
    .set({
      status: end.status,
      finished_at: sql<Date>`greatest(now(), started_at)`,
      error: end.error === undefined ? null : end.error.slice(0, 2000),
      ...stats,
    })
    .where("id", "=", id)
    .execute();
}

/** The attempt row by id (the scheduler reads back the stats the step wrote). */
export async function attemptById(db: RunsDb, id: number): Promise<PipelineRun | undefined> {
  return db.selectFrom("pipeline_run").selectAll().where("id", "=", id).executeTakeFirst();
}
