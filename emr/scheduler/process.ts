import { log } from "../../runtime/log/index.ts";
import { windowLockKey, withLocks } from "../runs/locks.ts";
import { ACTIVE_STATUSES, historyOf } from "../runs/records.ts";
import { attemptRange } from "./attempt.ts";
import { enqueue, type QueueItem } from "./queue.ts";
import { pause, RetryBudget } from "./retry.ts";
import { takeOver } from "./take-over.ts";
import type { AttemptOutcome, ProcessDeps, WindowOutcome } from "./types.ts";

/**
 * Processes queued windows oldest first, up to `rangeWindows` consecutive ones per step. Order
 * keeps the work cheap (a window's alert reads the windows before it); exactness does not rest on
 * it (README.md, "Overlapping runs: why the stored alerts are exact").
 */
export async function processQueue(deps: ProcessDeps, items: readonly QueueItem[]): Promise<WindowOutcome[]> {
  const queue: QueueItem[] = [];
  enqueue(queue, items);
  const outcomes: WindowOutcome[] = [];
  while (queue.length > 0 && !deps.signal?.aborted) {
    outcomes.push(...(await processRange(deps, takeRun(queue, deps.rangeWindows ?? 1))));
  }
  return outcomes;
}

/** The head of the queue and the queued windows right after it (each starting where the last ends), at most `max`. */
function takeRun(queue: QueueItem[], max: number): QueueItem[] {
  const run = [queue.shift()!];
  while (run.length < max && queue[0]?.window.start.getTime() === run.at(-1)!.window.end.getTime()) {
    run.push(queue.shift()!);
  }
  return run;
}

/**
 * Runs consecutive windows until each succeeds, is out of retry budget, or the signal stops the
 * pass (README.md, "Range steps"). Each step holds the advisory locks of all its windows; a window
 * locked elsewhere is skipped (`locked`). A retry starts again at the failed window, as one more
 * step over it and the windows after it.
 */
async function processRange(deps: ProcessDeps, items: readonly QueueItem[]): Promise<WindowOutcome[]> {
  const fates = new Map<number, Fate>(
    items.map((item) => [key(item), { item, status: "pending", attempts: [] }]),
  );
  const fateOf = (i: QueueItem) => fates.get(key(i))!;
  const budget = new RetryBudget(deps.maxAttempts, deps.retryDelayMs);
  let remaining = [...items];
  while (remaining.length > 0 && !deps.signal?.aborted) {
    const r = await withLocks(
      deps.db,
      remaining.map((i) => windowLockKey(i.window)),
      (held) => attemptHeld(deps, remaining.slice(0, held), budget),
    );
    if (!r.acquired) {
      const first = remaining.shift()!;
      log().info(
        { window: first.window.start.toISOString() },
        "window is being processed elsewhere; skipped",
      );
      fateOf(first).status = "locked";
      continue;
    }
    const attempts = r.value;
    for (const a of attempts) {
      fateOf(a).attempts.push(a);
      fateOf(a).status = a.status;
      deps.onAttempt?.(a);
    }
    // The attempts are of a prefix of `remaining`, in order.
    const failedAt = attempts.findIndex((a) => a.status !== "succeeded");
    const failed = attempts[failedAt];
    if (!failed) remaining = remaining.slice(attempts.length);
    else if (failed.status !== "failed") {
      // Interrupted or cancelled: an adopted step ends only its own window; a step of ours, the pass.
      if (!failed.adopted) break;
      remaining = remaining.slice(1);
    } else {
      const delay = budget.fail(failed);
      remaining = remaining.slice(delay === undefined ? failedAt + 1 : failedAt);
      if (delay !== undefined && !(await pause(delay, deps.signal))) break;
    }
  }
  return [...fates.values()]
    .filter((o) => o.status !== "pending")
    .map(({ item, status, attempts }) => ({ window: item.window, reason: item.reason, status, attempts }));
}

/** A window of the range so far; `pending` until it is attempted or found locked. */
interface Fate {
  readonly item: QueueItem;
  status: WindowOutcome["status"];
  readonly attempts: AttemptOutcome[];
}

const key = (i: QueueItem): number => i.window.start.getTime();

/**
 * Under the locks of `held` (a prefix of the range): the attempts of its next step. A window whose
 * last attempt is still active is taken over on its own when it leads (take-over.ts); otherwise
 * the step ends before it.
 */
async function attemptHeld(
  deps: ProcessDeps,
  held: readonly QueueItem[],
  budget: RetryBudget,
): Promise<AttemptOutcome[]> {
  const chunk: QueueItem[] = [];
  for (const item of held) {
    const h = await historyOf(deps.db, item.window);
    const stale = h && ACTIVE_STATUSES.includes(h.last.status) ? h.last : undefined;
    if (stale && chunk.length > 0) break;
    budget.open(item, h);
    if (stale) {
      const adopted = await takeOver(deps, item, stale);
      if (adopted) return [adopted];
    }
    chunk.push(item);
  }
  return attemptRange(deps, chunk);
}
