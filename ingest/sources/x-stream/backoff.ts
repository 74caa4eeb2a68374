import { ApiRequestError, ApiResponseError } from "twitter-api-v2";

/**
 * X's reconnection guidance for the filtered stream
 * (https://docs.x.com/x-api/fundamentals/consuming-streaming-data#reconnecting):
 * network errors back off linearly (+250 ms per attempt, up to 16 s), HTTP errors exponentially
 * (5 s doubling up to 320 s), 429 exponentially from 60 s. The library's default (5, 15, 30 … 900 s)
 * is not that. Base delays are parameters so tests can run the same schedule in milliseconds.
 */
export interface XBackoff {
  networkStepMs: number;
  networkMaxMs: number;
  httpBaseMs: number;
  httpMaxMs: number;
  rateLimitBaseMs: number;
  rateLimitMaxMs: number;
}

export const X_BACKOFF: XBackoff = Object.freeze({
  networkStepMs: 250,
  networkMaxMs: 16_000,
  httpBaseMs: 5_000,
  httpMaxMs: 320_000,
  rateLimitBaseMs: 60_000,
  // X names no ceiling for 429; 15 minutes is one rate-limit window.
  rateLimitMaxMs: 15 * 60_000,
});

export type FailureKind = "network" | "http" | "rate-limit";

export function failureKind(error: unknown): FailureKind {
  if (error instanceof ApiResponseError) return error.code === 429 ? "rate-limit" : "http";
  if (error instanceof ApiRequestError) return "network";
  const status = (error as { code?: unknown } | undefined)?.code;
  if (status === 429) return "rate-limit";
  return typeof status === "number" && status >= 400 ? "http" : "network";
}

/** Delay before reconnect attempt `attempt` (1-based, as twitter-api-v2 counts) after `error`. */
export function reconnectDelayMs(attempt: number, error: unknown, b: XBackoff = X_BACKOFF): number {
  const n = Math.max(1, attempt);
  switch (failureKind(error)) {
    case "network":
      return Math.min(b.networkStepMs * n, b.networkMaxMs);
    case "http":
      return Math.min(b.httpBaseMs * 2 ** Math.min(n - 1, 30), b.httpMaxMs);
    case "rate-limit":
      return Math.min(b.rateLimitBaseMs * 2 ** Math.min(n - 1, 30), b.rateLimitMaxMs);
  }
}
