import { setTimeout as sleep } from "node:timers/promises";
import { isTerminal, type StepStatus } from "./step-runner.ts";

export interface PollOptions {
  initialMs: number;
  maxMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * The delay before poll `attempt` (0-based): exponential from `initialMs`, capped at `maxMs`, with
 * "equal jitter" (half fixed, half random) so many waiting schedulers do not call DescribeStep in
 * lockstep (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export function backoffDelay(attempt: number, o: Omit<PollOptions, "signal">, random = Math.random): number {
  const base = Math.min(o.maxMs, o.initialMs * 1.5 ** attempt);
  return Math.round(base / 2 + (base / 2) * random());
}

/** Calls `status` until the step reaches a terminal state; an aborted signal rejects with its reason. */
export async function pollUntilTerminal(
  status: () => Promise<StepStatus>,
  o: PollOptions,
): Promise<StepStatus> {
  for (let attempt = 0; ; attempt++) {
    o.signal?.throwIfAborted();
    const s = await status();
    if (isTerminal(s.state)) return s;
    await sleep(backoffDelay(attempt, o), undefined, o.signal ? { signal: o.signal } : undefined);
  }
}
