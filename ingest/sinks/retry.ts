import { setTimeout as sleep } from "node:timers/promises";

/** Full-jitter exponential backoff (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30)));
}

/**
 * Spaces calls out when the destination throttles: the gap doubles on every throttle (up to
 * `maxGapMs`) and halves on every success, so a sink slows down instead of hammering a stream
 * that is over its quota, and speeds back up once it is not.
 */
export class Pacer {
  private gap = 0;
  private next = 0;

  constructor(private readonly maxGapMs = 2000) {}

  async wait(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.gap;
    if (at > now) await sleep(at - now);
  }

  throttled(): void {
    this.gap = Math.min(Math.max(this.gap * 2, 50), this.maxGapMs);
  }

  succeeded(): void {
    this.gap = this.gap < 10 ? 0 : this.gap / 2;
  }

  get gapMs(): number {
    return this.gap;
  }
}

interface AwsLikeError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const THROTTLE = new Set(["ThrottlingException", "LimitExceededException", "ServiceUnavailableException"]);
const RETRYABLE = new Set([
  ...THROTTLE,
  "InternalFailure",
  "InternalServerError",
  "InternalFailureException",
  "RequestTimeout",
  "TimeoutError",
  "AbortError",
]);

/** Throttling, by exception name (Firehose answers ServiceUnavailableException when over quota) or status. */
export function isThrottle(e: unknown): boolean {
  const x = e as AwsLikeError;
  const status = x?.$metadata?.httpStatusCode;
  return THROTTLE.has(x?.name ?? "") || status === 429 || status === 503;
}

/**
 * Worth retrying: throttling, 5xx, timeouts and network errors (no HTTP status at all). A 4xx
 * such as ResourceNotFoundException or AccessDeniedException is not: retrying cannot fix it.
 */
export function isRetryable(e: unknown): boolean {
  const x = e as AwsLikeError;
  if (RETRYABLE.has(x?.name ?? "")) return true;
  const status = x?.$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status >= 500 || status === 429;
}
