import { isTrendsError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import type { PipelineRun } from "../../sql/index.ts";
import type { StepStatus } from "../runners/step-runner.ts";
import { finishAttempt } from "../runs/records.ts";
import { recordEnd, waitOrCancel } from "./attempt.ts";
import type { QueueItem } from "./queue.ts";
import type { AttemptOutcome, ProcessDeps } from "./types.ts";

/**
 * The newest attempt of `item`'s window is still pending/running but we hold the window's lock,
 * so its owner is gone (its connection — and lock — died with it). If the runner still knows the
 * step (EMR keeps running steps when the scheduler dies), adopt it: wait for it and record its
 * end, so the window never runs twice at once. A step the runner does not know (a local step of a
 * dead process) is recorded `interrupted` (undefined is returned) and the window runs again.
 */
export async function takeOver(
  deps: ProcessDeps,
  item: QueueItem,
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
  return recordEnd(deps, item, stale, end, { stepId: stale.step_id!, t0, sole: true, adopted: true });
}
