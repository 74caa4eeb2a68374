/** Sleeps `ms`, or returns early when `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * Spaces requests evenly to stay under a requests-per-minute quota (Natural Language's default is
 * 600/min per project): each caller reserves the next free slot, then waits for it.
 */
export class RateLimiter {
  private next = 0;
  private readonly gapMs: number;

  constructor(
    requestsPerMinute: number,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {
    this.gapMs = requestsPerMinute > 0 ? 60_000 / requestsPerMinute : 0;
  }

  async take(): Promise<void> {
    if (this.gapMs === 0) return;
    const t = this.now();
    const slot = Math.max(t, this.next);
    this.next = slot + this.gapMs;
    await this.wait(slot - t);
  }
}

/** "Full jitter" backoff (AWS architecture blog): a random delay in [0, min(max, base·2^attempt)). */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}
