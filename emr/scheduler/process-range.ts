import { setTimeout as sleep } from "node:timers/promises";
import { messageOf } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import type { RunStatus } from "../../sql/index.ts";
import { windowLockKey, withLocks } from "../runs/locks.ts";
import {
  ACTIVE_STATUSES,
  attemptById,
  finishAttempt,
  historyOf,
  markRunning,
  startAttempt,
} from "../runs/records.ts";
import { windowInput } from "./input.ts";
import type { PlanItem } from "./plan.ts";
import { retryDelay } from "./plan.ts";
import {
  type AttemptOutcome,
  type ProcessDeps,
  processWindow,
  STATUS_OF,
  type WindowOutcome,
  waitOrCancel,
} from "./process.ts";

/**
 * Consecutive windows in one step (one Spark application), each still its own transaction and
 * its own `pipeline_run` attempt. The step commits window k's results and its attempt's stats in
 * one transaction, so after the step ends the attempts with stats are exactly the committed
 * windows: those succeeded; the first without stats failed (the step's error); the later ones
 * were not reached (`cancelled`, not counted against their retry budget). A retry starts again
 * from the failed window. Every window's advisory lock is held for the whole step; the step
 * commits each window under the history lock (sparkgen/README.md), so the alerts are exact however
 * ranges and single windows overlap.
 */
export async function processRange(deps: ProcessDeps, items: readonly PlanItem[]): Promise<WindowOutcome[]> {
  const outcomes = new Map<
    number,
    { item: PlanItem; status: WindowOutcome["status"]; attempts: AttemptOutcome[] }
  >();
  for (const item of items)
    outcomes.set(item.window.start.getTime(), { item, status: "pending", attempts: [] });
  const spent = new Map<number, number>();
  let remaining = [...items];
  while (remaining.length > 0 && !deps.signal?.aborted) {
    const r = await withLocks(
      deps.db,
      remaining.map((i) => windowLockKey(i.window)),
      async (held) => {
        // A window whose last attempt is still active needs the single-window take-over path.
        const chunk: PlanItem[] = [];
        for (const item of remaining.slice(0, held)) {
          const h = await historyOf(deps.db, item.window);
          if (h && ACTIVE_STATUSES.includes(h.last.status)) break;
          const key = item.window.start.getTime();
          if (!spent.has(key))
            spent.set(key, item.reason === "requested" ? 0 : (h?.failuresSinceSuccess ?? 0));
          chunk.push(item);
        }
        return chunk.length > 0 ? attemptRange(deps, chunk) : undefined;
      },
    );
    if (!r.acquired) {
      const first = remaining.shift()!;
      log().info(
        { window: first.window.start.toISOString() },
        "window is being processed elsewhere; skipped",
      );
      outcomes.get(first.window.start.getTime())!.status = "locked";
      continue;
    }
    if (r.value === undefined) {
      // The first window has a stale active attempt: adopt or take it over on its own.
      const first = remaining.shift()!;
      const o = await processWindow(deps, first);
      Object.assign(outcomes.get(first.window.start.getTime())!, { status: o.status, attempts: o.attempts });
      continue;
    }
    const attempts = r.value;
    for (const a of attempts) {
      const o = outcomes.get(a.window.start.getTime())!;
      o.attempts.push(a);
      o.status = a.status;
      deps.onAttempt?.(a);
    }
    const failedAt = attempts.findIndex((a) => a.status !== "succeeded");
    if (failedAt < 0) {
      remaining = remaining.slice(attempts.length);
      continue;
    }
    const failed = attempts[failedAt]!;
    const key = failed.window.start.getTime();
    const start = remaining.findIndex((i) => i.window.start.getTime() === key);
    if (failed.status !== "failed") {
      remaining = []; // interrupted or cancelled by a signal: stop here
      break;
    }
    spent.set(key, (spent.get(key) ?? 0) + 1);
    const n = spent.get(key)!;
    if (n >= deps.maxAttempts) {
      log().error(
        { window: failed.window.start.toISOString(), attempts: n, error: failed.error },
        `window failed after ${n} attempt(s); giving up (rerun it with \`trends run\`)`,
      );
      outcomes.get(key)!.status = "failed";
      remaining = remaining.slice(start + 1);
      continue;
    }
    const delay = retryDelay(n, deps.retryDelayMs);
    log().warn(
      {
        window: failed.window.start.toISOString(),
        attempt: failed.attempt,
        error: failed.error,
        retryInMs: delay,
      },
      "range step failed; retrying from the failed window",
    );
    remaining = remaining.slice(start);
    try {
      await sleep(delay, undefined, deps.signal ? { signal: deps.signal } : undefined);
    } catch {
      break;
    }
  }
  return [...outcomes.values()]
    .filter((o) => o.status !== "pending")
    .map((o) => ({ window: o.item.window, reason: o.item.reason, status: o.status, attempts: o.attempts }));
}

/** One step for `chunk` (its windows locked by the caller); one attempt outcome per window. */
async function attemptRange(deps: ProcessDeps, chunk: readonly PlanItem[]): Promise<AttemptOutcome[]> {
  const t0 = Date.now();
  const cache = new Map();
  const inputs = await Promise.all(
    chunk.map((i) => windowInput(deps.input, i.window, deps.latenessMinutes, cache)),
  );
  const uris = [...new Set(inputs.flatMap((i) => i.uris))];
  const runs = [];
  for (const [k, item] of chunk.entries()) {
    runs.push(
      await startAttempt(deps.db, {
        window: item.window,
        runner: deps.runner.kind,
        owner: deps.owner,
        inputObjects: inputs[k]!.objects,
        inputFingerprint: inputs[k]!.fingerprint,
        sqlHashes: deps.sqlHashes,
      }),
    );
  }
  let stepId: string | undefined;
  let end: Awaited<ReturnType<typeof waitOrCancel>> | undefined;
  let submitError: string | undefined;
  try {
    stepId = await deps.runner.submit({
      window: chunk[0]!.window,
      inputs: uris,
      jdbcUrl: deps.jdbcUrl,
      range: {
        count: chunk.length,
        windowInputs: inputs.map((i) => i.uris.map((u) => uris.indexOf(u))),
        runIds: runs.map((r) => r.id),
      },
    });
  } catch (e) {
    submitError = `submit failed: ${messageOf(e)}`;
  }
  if (stepId !== undefined) {
    for (const run of runs) await markRunning(deps.db, run.id, stepId, deps.artifactsUri);
    end = await waitOrCancel(deps, stepId);
  }
  const outcomes: AttemptOutcome[] = [];
  let reached = true;
  for (const [k, item] of chunk.entries()) {
    const run = runs[k]!;
    const row = await attemptById(deps.db, run.id);
    const committed = row?.rows_read !== null && row?.rows_read !== undefined;
    let status: Exclude<RunStatus, "pending" | "running">;
    let error: string | undefined;
    if (committed) status = "succeeded";
    else if (reached) {
      reached = false;
      if (end === "aborted") [status, error] = ["interrupted", "stopped by a signal; the step was cancelled"];
      else if (end === undefined) [status, error] = ["failed", submitError];
      else {
        const s = STATUS_OF[end.state];
        status = s === "succeeded" || s === "pending" || s === "running" ? "failed" : s;
        error =
          end.reason ?? (s === "succeeded" ? "the step ended without committing this window" : undefined);
      }
    } else
      [status, error] = [
        "cancelled",
        `not run: window ${chunk[k - 1]!.window.start.toISOString()} of the same range step did not commit`,
      ];
    await finishAttempt(deps.db, run.id, { status, error });
    const final = await attemptById(deps.db, run.id);
    outcomes.push({
      window: item.window,
      reason: item.reason,
      runId: run.id,
      attempt: run.attempt,
      status,
      stepId,
      error,
      inputObjects: run.input_objects ?? 0,
      events:
        end !== undefined && end !== "aborted"
          ? end.windowResults?.[item.window.start.toISOString()]?.events
          : undefined,
      rowsRead: final?.rows_read,
      badRecords: final?.bad_records,
      duplicates: final?.duplicates,
      seconds: (Date.now() - t0) / 1000,
    });
  }
  return outcomes;
}
