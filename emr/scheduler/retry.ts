import { setTimeout as sleep } from "node:timers/promises";
import { log } from "../../runtime/log/index.ts";
import type { WindowHistory } from "../runs/records.ts";
import { type QueueItem, retryDelay } from "./queue.ts";
import type { AttemptOutcome } from "./types.ts";

/**
 * The retry budget of the windows of one pass (README.md, "Retries"): at most `maxAttempts`
 * failed attempts per window since its last success, counting those of earlier passes.
 */
export class RetryBudget {
  readonly #spent = new Map<number, number>();
  readonly #max: number;
  readonly #baseDelayMs: number;

  constructor(maxAttempts: number, baseDelayMs: number) {
    this.#max = maxAttempts;
    this.#baseDelayMs = baseDelayMs;
  }

  /** The first time the pass meets a window: what its history has spent already. */
  open(item: QueueItem, h: WindowHistory | undefined): void {
    const k = item.window.start.getTime();
    // `trends run` asks for a fresh run: earlier failures do not count against it.
    if (!this.#spent.has(k))
      this.#spent.set(k, item.reason === "requested" ? 0 : (h?.failuresSinceSuccess ?? 0));
  }

  /**
   * Spends one failure of `failed`'s window: the delay before retrying it, or undefined when the
   * budget is spent and the window is left failed (logged as an error).
   */
  fail(failed: AttemptOutcome): number | undefined {
    const k = failed.window.start.getTime();
    const n = (this.#spent.get(k) ?? 0) + 1;
    this.#spent.set(k, n);
    const window = failed.window.start.toISOString();
    if (n >= this.#max) {
      log().error(
        { window, attempts: n, error: failed.error },
        `window failed after ${n} attempt(s); giving up (rerun it with \`trends run\`)`,
      );
      return undefined;
    }
    const delay = retryDelay(n, this.#baseDelayMs);
    log().warn(
      { window, attempt: failed.attempt, error: failed.error, retryInMs: delay },
      "step failed; retrying from the failed window",
    );
    return delay;
  }
}

/** Sleeps `ms`; false when the signal stopped it first. */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
    return true;
  } catch {
    return false;
  }
}
