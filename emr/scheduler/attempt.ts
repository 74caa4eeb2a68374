import { messageOf } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import type { Window } from "../../runtime/windows/index.ts";
import type { PipelineRun, RunStatus } from "../../sql/index.ts";
import { isTerminal, type StepRequest, type StepState, type StepStatus } from "../runners/step-runner.ts";
import { attemptById, finishAttempt, markRunning, startAttempt } from "../runs/records.ts";
import { type WindowInput, windowInput } from "./input.ts";
import type { QueueItem } from "./queue.ts";
import type { AttemptOutcome, ProcessDeps } from "./types.ts";

/** How a step ended for the scheduler: its terminal status, aborted by our signal, or never submitted. */
export type StepEnd = StepStatus | "aborted" | { readonly submitError: string };

type EndStatus = Exclude<RunStatus, "pending" | "running">;

/**
 * One step for `chunk`, consecutive windows whose locks the caller holds: list each window's input,
 * record a `pending` attempt per window, submit, mark them `running`, wait, and record each
 * window's end (`statusOf`). One window is submitted as a plain window step, more as a range step
 * (README.md, "Range steps").
 */
export async function attemptRange(
  deps: ProcessDeps,
  chunk: readonly QueueItem[],
): Promise<AttemptOutcome[]> {
  const t0 = Date.now();
  const cache = new Map();
  const inputs = await Promise.all(
    chunk.map((i) => windowInput(deps.input, i.window, deps.latenessMinutes, cache)),
  );
  const runs: PipelineRun[] = [];
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
  const { stepId, end } = await submitAndWait(deps, stepRequest(deps, chunk, inputs, runs), runs);
  const outcomes: AttemptOutcome[] = [];
  for (const [k, item] of chunk.entries()) {
    const missed = outcomes.some((o) => o.status !== "succeeded") ? chunk[k - 1]!.window : undefined;
    outcomes.push(
      await recordEnd(deps, item, runs[k]!, end, { stepId, t0, sole: chunk.length === 1, missed }),
    );
  }
  return outcomes;
}

/** The window step (one window) or range step (several) for `chunk`, reading each window's inputs. */
function stepRequest(
  deps: ProcessDeps,
  chunk: readonly QueueItem[],
  inputs: readonly WindowInput[],
  runs: readonly PipelineRun[],
): StepRequest {
  const first = { window: chunk[0]!.window, jdbcUrl: deps.jdbcUrl };
  if (chunk.length === 1) return { ...first, inputs: inputs[0]!.uris, runId: runs[0]!.id };
  const uris = [...new Set(inputs.flatMap((i) => i.uris))];
  return {
    ...first,
    inputs: uris,
    range: {
      count: chunk.length,
      windowInputs: inputs.map((i) => i.uris.map((u) => uris.indexOf(u))),
      runIds: runs.map((r) => r.id),
    },
  };
}

async function submitAndWait(
  deps: ProcessDeps,
  req: StepRequest,
  runs: readonly PipelineRun[],
): Promise<{ stepId?: string; end: StepEnd }> {
  let stepId: string;
  try {
    stepId = await deps.runner.submit(req);
  } catch (e) {
    return { end: { submitError: `submit failed: ${messageOf(e)}` } };
  }
  for (const run of runs) await markRunning(deps.db, run.id, stepId, deps.artifactsUri);
  return { stepId, end: await waitOrCancel(deps, stepId) };
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

/** The attempt statuses of step states that end a window without committing it; any other is `failed`. */
const UNCOMMITTED: Partial<Record<StepState, EndStatus>> = {
  CANCELLED: "cancelled",
  INTERRUPTED: "interrupted",
};

/**
 * An attempt's end. The step commits a window's results and its attempt's stats in one
 * transaction, so an attempt with stats (`committed`) succeeded whatever the step did afterwards.
 * Otherwise: the first window without stats gets the step's end; a window after one that did not
 * commit (`missed`, the window before it in the same step) was never reached, and is `cancelled`,
 * which spends no retry budget.
 */
export function statusOf(
  end: StepEnd,
  committed: boolean,
  missed?: Window,
): { status: EndStatus; error?: string | undefined } {
  if (committed) return { status: "succeeded" };
  if (missed) {
    const error = `not run: window ${missed.start.toISOString()} of the same range step did not commit`;
    return { status: "cancelled", error };
  }
  if (end === "aborted")
    return { status: "interrupted", error: "stopped by a signal; the step was cancelled" };
  if ("submitError" in end) return { status: "failed", error: end.submitError };
  const error =
    end.reason ?? (end.state === "COMPLETED" ? "the step ended without committing this window" : undefined);
  return { status: UNCOMMITTED[end.state] ?? "failed", error };
}

/** Records the end of `run` (`statusOf`) and reads back the stats the step wrote. */
export async function recordEnd(
  deps: ProcessDeps,
  item: QueueItem,
  run: PipelineRun,
  end: StepEnd,
  o: {
    stepId: string | undefined;
    t0: number;
    /** The step ran this window alone: its totals are this window's. */
    sole: boolean;
    missed?: Window | undefined;
    adopted?: boolean;
  },
): Promise<AttemptOutcome> {
  const row = await attemptById(deps.db, run.id);
  const { status, error } = statusOf(end, row?.rows_read !== null && row?.rows_read !== undefined, o.missed);
  await finishAttempt(deps.db, run.id, { status, error });
  const step = typeof end === "object" && "state" in end ? end : undefined;
  return {
    window: item.window,
    reason: item.reason,
    runId: run.id,
    attempt: run.attempt,
    status,
    stepId: o.stepId,
    error,
    inputObjects: run.input_objects ?? 0,
    events:
      step?.windowResults?.[item.window.start.toISOString()]?.events ??
      (o.sole ? step?.result?.events : undefined),
    rowsRead: row?.rows_read,
    badRecords: row?.bad_records,
    duplicates: row?.duplicates,
    seconds: (Date.now() - o.t0) / 1000,
    ...(o.adopted ? { adopted: true } : {}),
  };
}
