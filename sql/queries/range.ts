import { usageError } from "../../runtime/errors/index.ts";
import { CONSTANTS } from "../../sparkgen/generated/constants.ts";
import { assertNoNul } from "../nul.ts";

/**
 * Which windows a query reads: those whose `window_start` lies in `[from, to)`.
 * `topic` is a rule tag or `*` (all tweets); an unknown topic simply matches nothing.
 */
export interface RangeQuery {
  topic?: string;
  from: Date;
  to: Date;
  /** At most this many rows (1…10,000); each query has its own default. */
  limit?: number;
}

/** The catch-all topic of every tweet: the job spec's `topics.all`. */
export const ALL_TWEETS: string = CONSTANTS.job.allTopics;
export const MAX_LIMIT = 10_000;

/** Validated inputs; the errors are usage errors naming the flag the CLI takes them from. */
export function checkRange(q: RangeQuery, defaultLimit: number): { topic: string; limit: number } {
  const topic = q.topic ?? ALL_TWEETS;
  assertNoNul(topic, "--topic");
  for (const [flag, d] of [
    ["--from", q.from],
    ["--to", q.to],
  ] as const) {
    if (Number.isNaN(d.getTime()))
      throw usageError(`${flag} is not a valid time`, "write it like 2026-11-26T04:15:00Z");
  }
  const limit = q.limit ?? defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw usageError(`--limit ${limit} is not a whole number from 1 to ${MAX_LIMIT}`, "pass e.g. --limit 20");
  }
  return { topic, limit };
}
