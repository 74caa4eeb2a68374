import { usageError } from "../../../runtime/errors/index.ts";
import { parseTime } from "../../../runtime/windows/index.ts";
import { TOPIC_NAME } from "../../../sparkgen/schema/index.ts";
import type { SynthOptions } from "./generator.ts";

/** The flags of `trends synth`, as given. */
export interface SynthFlags {
  tweets: number;
  seed?: string | number;
  start: string;
  minutes?: number;
  topics?: string;
  crisisAt?: string;
  crisisTopic?: string;
  corrupt?: number;
}

/**
 * Limits of a synthetic stream. The generator holds one 8-byte timestamp per tweet in memory and
 * writes ~1 KB per tweet, so 5 million tweets are ~40 MB of memory and ~5 GB of file; 30 days of
 * event time is far more than any test or demo needs.
 */
export const SYNTH_LIMITS = { tweets: 5_000_000, minutes: 43_200, corrupt: 1_000_000 } as const;

/** Checks the flags and names the bad one: a usage error, before anything is written. */
export function synthOptionsFrom(f: SynthFlags): SynthOptions {
  if (!Number.isInteger(f.tweets) || f.tweets < 1 || f.tweets > SYNTH_LIMITS.tweets)
    throw usageError(
      `--tweets ${f.tweets} is not a whole number from 1 to ${SYNTH_LIMITS.tweets}`,
      "e.g. --tweets 10000",
    );
  const minutes = f.minutes ?? 60;
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > SYNTH_LIMITS.minutes)
    throw usageError(
      `--minutes ${minutes} is not a number of minutes above 0 and at most ${SYNTH_LIMITS.minutes} (30 days)`,
      "e.g. --minutes 60",
    );
  const corrupt = f.corrupt ?? 0;
  if (!Number.isInteger(corrupt) || corrupt < 0 || corrupt > SYNTH_LIMITS.corrupt)
    throw usageError(
      `--corrupt ${corrupt} is not a whole number from 0 to ${SYNTH_LIMITS.corrupt}`,
      "e.g. --corrupt 5",
    );
  const start = parseTime(f.start, "--start");
  const topics = f.topics === undefined ? undefined : f.topics.split(",").map((t) => t.trim());
  if (topics) {
    const bad = topics.find((t) => !TOPIC_NAME.test(t));
    if (bad !== undefined)
      throw usageError(`--topics: "${bad}" is not a tag`, "use letters, digits, _ or -, e.g. acme,globex");
    if (new Set(topics).size !== topics.length)
      throw usageError("--topics lists a tag twice", "list each topic once");
  }
  const options: SynthOptions = {
    tweets: f.tweets,
    seed: f.seed ?? 1,
    start,
    minutes,
    corrupt,
    ...(topics ? { topics } : {}),
  };
  if (f.crisisAt === undefined) {
    if (f.crisisTopic !== undefined)
      throw usageError("--crisis-topic needs --crisis-at", "add --crisis-at ISO");
    return options;
  }
  const crisisAt = parseTime(f.crisisAt, "--crisis-at");
  const end = start.getTime() + minutes * 60_000;
  if (crisisAt.getTime() < start.getTime() || crisisAt.getTime() >= end)
    throw usageError(
      `--crisis-at ${crisisAt.toISOString()} is outside the stream`,
      `pick a time in [${start.toISOString()}, ${new Date(end).toISOString()})`,
    );
  const all = topics ?? ["acme", "globex", "initech"];
  const crisisTopic = f.crisisTopic ?? all[0]!;
  if (!all.includes(crisisTopic))
    throw usageError(
      `--crisis-topic ${crisisTopic} is not one of the topics`,
      `use one of ${all.join(", ")}`,
    );
  return { ...options, crisisAt, crisisTopic };
}
