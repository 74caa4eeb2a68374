import { setTimeout as sleep } from "node:timers/promises";
import { isTrendsError, messageOf } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import type { Window } from "../../runtime/windows/index.ts";
import type { PipelineRun, RunStatus } from "../../sql/index.ts";
import { isTerminal, type StepRunner, type StepStatus } from "../runners/step-runner.ts";
import { windowLockKey, withLock } from "../runs/locks.ts";
import {
  ACTIVE_STATUSES,
  attemptById,
  finishAttempt,
  historyOf,
  markRunning,
  type RunsDb,
  startAttempt,
} from "../runs/records.ts";
import { type InputSource, windowInput } from "./input.ts";
import { enqueue, type PlanItem, type Reason, retryDelay } from "./plan.ts";
import { processRange } from "./process-range.ts";

/** What processing a window needs; the scheduler and `trends run` both build one. */
export interface ProcessDeps {
  readonly db: RunsDb;
  readonly runner: StepRunner;
  readonly input: InputSource;
  /** `jdbc:postgresql://host:port/db`, without credentials (the runner passes those). */
  readonly jdbcUrl: string;
  readonly windowMinutes: number;
  readonly latenessMinutes: number;
  /** Failed attempts allowed per window before it is left failed. */
  readonly maxAttempts: number;
  /** First retry delay; doubles per failure (`retryDelay`). */
  readonly retryDelayMs: number;
  /** Who runs the attempts (`host:pid:random`), stored in `pipeline_run.owner`. */
  readonly owner: string;
  /** Aborted on SIGINT/SIGTERM: the in-flight step is cancelled and recorded `interrupted`. */
  readonly signal?: AbortSignal | undefined;
  /** `s3://…/artifacts/<hash>/` the runner's steps run (EMR), recorded with each attempt. */
  readonly artifactsUri?: string | undefined;
  /** Called after every attempt (progress output). */
  readonly onAttempt?: ((a: AttemptOutcome) => void) | undefined;
  /**
   * At most this many consecutive queued windows run in one step (one Spark application, see
   * `processRange`); 1 (the default) runs one step per window.
   */
  readonly rangeWindows?: number | undefined;
  /**
   * The SQL hashes of the plan the runner runs (`planSqlHashes` of sparkgen/plan), recorded with
   * every attempt so `trends sparkgen plan` knows which windows ran which SQL.
   */
  readonly sqlHashes?: Readonly<Record<string, string>> | undefined;
}

/** One attempt of one window, as recorded in `pipeline_run`. */
export interface AttemptOutcome {
  readonly window: Window;
  readonly reason: Reason;
  readonly runId: number;
  readonly attempt: number;
  readonly status: RunStatus;
  readonly stepId?: string | undefined;
  readonly error?: string | undefined;
  readonly inputObjects: number;
  readonly events?: number | undefined;
  readonly rowsRead?: number | null | undefined;
  readonly badRecords?: number | null | undefined;
  readonly duplicates?: number | null | undefined;
  readonly seconds: number;
  /** It ran a step its previous owner had started (a scheduler that died mid-window). */
  readonly adopted?: boolean;
}

/** A window's fate in one pass: its final status and every attempt made for it. */
export interface WindowOutcome {
  readonly window: Window;
  readonly reason: Reason;
  /** `locked`: another process holds the window (it is running there); nothing was done. */
  readonly status: RunStatus | "locked";
  readonly attempts: readonly AttemptOutcome[];
}

/**
 * Processes queued windows oldest first, one at a time. Order keeps the work cheap (a window's
 * alert reads the sentiment of the windows before it), but exactness does not rest on it: the step
 * commits under the history lock and rewrites the alerts of the windows whose baseline it is
 * (README.md, "Overlapping runs"), so no later window needs to run again when an earlier one
 * changes.
 */
export async function processQueue(deps: ProcessDeps, items: readonly PlanItem[]): Promise<WindowOutcome[]> {
  const queue: PlanItem[] = [];
  enqueue(queue, items);
  const outcomes: WindowOutcome[] = [];
  while (queue.length > 0 && !deps.signal?.aborted) {
    const run = takeRun(queue, deps.rangeWindows ?? 1);
    outcomes.push(...(run.length > 1 ? await processRange(deps, run) : [await processWindow(deps, run[0]!)]));
  }
  return outcomes;
}

/** The head of the queue and the queued windows right after it (each starting where the last ends), at most `max`. */
function takeRun(queue: PlanItem[], max: number): PlanItem[] {
  const run = [queue.shift()!];
  while (run.length < max && queue[0]?.window.start.getTime() === run.at(-1)!.window.end.getTime()) {
    run.push(queue.shift()!);
  }
  return run;
}

/**
 * Runs one window until it succeeds, is out of retry budget, or the signal stops it. Every
 * attempt holds the window's advisory lock; a window locked elsewhere is skipped (`locked`).
 */
export async function processWindow(deps: ProcessDeps, item: PlanItem): Promise<WindowOutcome> {
  const attempts: AttemptOutcome[] = [];
  let spent: number | undefined;
  for (;;) {
    const r = await withLock(deps.db, windowLockKey(item.window), async () => {
      const h = await historyOf(deps.db, item.window);
      // `trends run` asks for a fresh run: earlier failures do not count against it.
      spent ??= item.reason === "requested" ? 0 : (h?.failuresSinceSuccess ?? 0);
      if (h && ACTIVE_STATUSES.includes(h.last.status)) {
        const adopted = await takeOver(deps, item, h.last);
        if (adopted) return adopted;
      }
      return attemptOnce(deps, item);
    });
    if (!r.acquired) {
      log().info({ window: item.window.start.toISOString() }, "window is being processed elsewhere; skipped");
      return { window: item.window, reason: item.reason, status: "locked", attempts };
    }
    const a = r.value;
    attempts.push(a);
    deps.onAttempt?.(a);
    if (a.status === "failed") spent = (spent ?? 0) + 1;
    const retry = a.status === "failed" && spent! < deps.maxAttempts && !deps.signal?.aborted;
    if (!retry) {
      if (a.status === "failed") {
        log().error(
          { window: item.window.start.toISOString(), attempts: spent, error: a.error },
          `window failed after ${spent} attempt(s); giving up (rerun it with \`trends run\`)`,
        );
      }
      return { window: item.window, reason: item.reason, status: a.status, attempts };
    }
    const delay = retryDelay(spent!, deps.retryDelayMs);
    log().warn(
      { window: item.window.start.toISOString(), attempt: a.attempt, error: a.error, retryInMs: delay },
      "step failed; retrying",
    );
    try {
      await sleep(delay, undefined, deps.signal ? { signal: deps.signal } : undefined);
    } catch {
      return { window: item.window, reason: item.reason, status: a.status, attempts };
    }
  }
}

/**
 * The newest attempt is still pending/running but we hold the window's lock, so its owner is
 * gone (its connection — and lock — died with it). If the runner still knows the step (EMR keeps
 * running steps when the scheduler dies), adopt it: wait for it and record its end, so the window
 * never runs twice at once. A step the runner does not know (a local step of a dead process) is
 * recorded `interrupted` and the window runs again.
 */
async function takeOver(
  deps: ProcessDeps,
  item: PlanItem,
  stale: PipelineRun,
): Promise<AttemptOutcome | undefined> {
  const t0 = Date.now();
  let status: StepStatus | undefined;
  if (stale.step_id && stale.runner === deps.runner.kind) {
    try {
      status = await deps.runner.status(stale.step_id);
    } catch (e) {
      if (!isTrendsError(e)) throw e;
    }
  }
  if (!status) {
    await finishAttempt(deps.db, stale.id, {
      status: "interrupted",
      error: `owner ${stale.owner ?? "?"} stopped before the step ended; taken over by ${deps.owner}`,
    });
    log().warn({ window: item.window.start.toISOString(), owner: stale.owner }, "took over a stale attempt");
    return undefined;
  }
  log().warn(
    { window: item.window.start.toISOString(), step: stale.step_id },
    "adopting a step of a stopped scheduler",
  );
  const end = await waitOrCancel(deps, stale.step_id!, status);
  return recordEnd(deps, item, stale, end, t0, true);
}

async function attemptOnce(deps: ProcessDeps, item: PlanItem): Promise<AttemptOutcome> {
  const t0 = Date.now();
  const input = await windowInput(deps.input, item.window, deps.latenessMinutes);
  const run = await startAttempt(deps.db, {
    window: item.window,
    runner: deps.runner.kind,
    owner: deps.owner,
    inputObjects: input.objects,
    inputFingerprint: input.fingerprint,
    sqlHashes: deps.sqlHashes,
  });
  let stepId: string;
  try {
    stepId = await deps.runner.submit({
      window: item.window,
      inputs: input.uris,
      jdbcUrl: deps.jdbcUrl,
      runId: run.id,
    });
  } catch (e) {
    await finishAttempt(deps.db, run.id, { status: "failed", error: `submit failed: ${messageOf(e)}` });
    return recordEnd(deps, item, { ...run, status: "failed" }, undefined, t0, false, messageOf(e));
  }
  await markRunning(deps.db, run.id, stepId, deps.artifactsUri);
  const end = await waitOrCancel(deps, stepId);
  return recordEnd(deps, item, { ...run, step_id: stepId }, end, t0, false);
}

/**
 * Waits for the step; on SIGINT/SIGTERM cancels it and waits (bounded) for the cancel to land,
 * so no step outlives the scheduler that recorded it `interrupted`.
 */
export async function waitOrCancel(
  deps: ProcessDeps,
  stepId: string,
  known?: StepStatus,
): Promise<StepStatus | "aborted"> {
  if (known && isTerminal(known.state)) return known;
  try {
    return await deps.runner.wait(stepId, deps.signal);
  } catch (e) {
    if (!deps.signal?.aborted) throw e;
    log().warn({ step: stepId }, "stopping: cancelling the in-flight step");
    await deps.runner.cancel(stepId).catch((err) => log().warn({ err: messageOf(err) }, "cancel failed"));
    await deps.runner.wait(stepId, AbortSignal.timeout(60_000)).catch(() => undefined);
    return "aborted";
  }
}

export const STATUS_OF: Record<StepStatus["state"], RunStatus> = {
  PENDING: "pending",
  RUNNING: "running",
  COMPLETED: "succeeded",
  FAILED: "failed",
  CANCELLED: "cancelled",
  INTERRUPTED: "interrupted",
};

async function recordEnd(
  deps: ProcessDeps,
  item: PlanItem,
  run: PipelineRun,
  end: StepStatus | "aborted" | undefined,
  t0: number,
  adopted: boolean,
  submitError?: string,
): Promise<AttemptOutcome> {
  let status: RunStatus = "failed";
  let error = submitError;
  if (end === "aborted") {
    status = "interrupted";
    error = "stopped by a signal; the step was cancelled";
  } else if (end) {
    status = STATUS_OF[end.state];
    error = end.reason;
  }
  if (end !== undefined) {
    // A terminal step state never maps to pending/running; guard anyway for the type.
    const final = status === "pending" || status === "running" ? "interrupted" : status;
    await finishAttempt(deps.db, run.id, {
      status: final,
      error,
      result: end === "aborted" ? undefined : end.result,
    });
  }
  const row = await attemptById(deps.db, run.id);
  const result = end !== undefined && end !== "aborted" ? end.result : undefined;
  return {
    window: item.window,
    reason: item.reason,
    runId: run.id,
    attempt: run.attempt,
    status,
    stepId: run.step_id ?? undefined,
    error,
    inputObjects: run.input_objects ?? 0,
    events: result?.events,
    rowsRead: row?.rows_read,
    badRecords: row?.bad_records,
    duplicates: row?.duplicates,
    seconds: (Date.now() - t0) / 1000,
    ...(adopted ? { adopted } : {}),
  };
}
