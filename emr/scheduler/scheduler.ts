import { setTimeout as sleep } from "node:timers/promises";
import { log } from "../../runtime/log/index.ts";
import { type Window, windowsBetween } from "../../runtime/windows/index.ts";
import { schedulerLockKey, withLock } from "../runs/locks.ts";
import { historyBetween, resumePoints } from "../runs/records.ts";
import { type InputObject, prefixStart, windowInput } from "./input.ts";
import { processQueue } from "./process.ts";
import { type QueueItem, queueTick, startOf } from "./queue.ts";
import type { ProcessDeps, WindowOutcome } from "./types.ts";

export interface SchedulerOptions extends ProcessDeps {
  /** `--from`: the first window to consider (and fill gaps from). */
  readonly from?: Date | undefined;
  /**
   * How far back succeeded windows have their input re-listed for late data. Objects land in the
   * arrival hour, and a window reads hours up to the end of its lateness, so after
   * lateness + 1 h nothing new can reach its prefixes (short of a manual backfill). Default 2 h.
   */
  readonly recheckMs?: number | undefined;
  /** The clock (tests set it). */
  readonly now?: (() => Date) | undefined;
}

export interface TickSummary {
  /** Another scheduler holds the scheduler lock: this one did nothing. */
  readonly standby: boolean;
  readonly queued: readonly QueueItem[];
  readonly outcomes: readonly WindowOutcome[];
  /** Windows left failed (out of retry budget) in this tick. */
  readonly failed: readonly WindowOutcome[];
  /** Stopped by the signal before the queue was done. */
  readonly interrupted: boolean;
}

/** The newest window that is due at `now` (closed, lateness allowance passed). */
export function lastDueWindow(now: Date, windowMinutes: number, latenessMinutes: number): Window {
  const size = windowMinutes * 60_000;
  const end = Math.floor((now.getTime() - latenessMinutes * 60_000) / size) * size;
  return { start: new Date(end - size), end: new Date(end) };
}

/**
 * One scheduling pass: under the scheduler lock (only one scheduler works at a time; a second
 * one started by mistake stands by), find the due windows from the run records, re-list recent
 * ones for late data, and process the queue oldest first.
 */
export async function schedulerTick(o: SchedulerOptions): Promise<TickSummary> {
  const r = await withLock(o.db, schedulerLockKey, () => tickLocked(o));
  if (!r.acquired) {
    log().info("another scheduler holds the scheduler lock; standing by");
    return { standby: true, queued: [], outcomes: [], failed: [], interrupted: false };
  }
  return r.value;
}

async function tickLocked(o: SchedulerOptions): Promise<TickSummary> {
  const now = (o.now ?? (() => new Date()))();
  const size = o.windowMinutes * 60_000;
  const lastDue = lastDueWindow(now, o.windowMinutes, o.latenessMinutes);
  const recheckFrom = new Date(now.getTime() - (o.recheckMs ?? 2 * 3_600_000));
  const points = await resumePoints(o.db, o.maxAttempts);
  const oldest = !o.from && !points.frontier ? await o.input.oldestPrefix() : undefined;
  const { start, newFrom } = startOf({
    from: o.from,
    frontier: points.frontier,
    oldestOpen: points.oldestOpen,
    oldestInput: oldest ? prefixStart(oldest) : undefined,
    recheckFrom,
    lastDue,
    windowMinutes: o.windowMinutes,
  });
  const candidates = start < lastDue.end ? windowsBetween(start, lastDue.end, o.windowMinutes) : [];
  const history = await historyBetween(o.db, start, lastDue.end);
  const fingerprints = new Map<number, string>();
  const cache = new Map<string, Promise<InputObject[]>>();
  for (const w of candidates) {
    const h = history.get(w.start.getTime());
    if (h?.last.status === "succeeded" && w.end.getTime() + size > recheckFrom.getTime()) {
      fingerprints.set(
        w.start.getTime(),
        (await windowInput(o.input, w, o.latenessMinutes, cache)).fingerprint,
      );
    }
  }
  const queued = queueTick({ candidates, newFrom, history, fingerprints, maxAttempts: o.maxAttempts });
  if (queued.length > 0) {
    log().info(
      {
        windows: queued.length,
        first: queued[0]!.window.start.toISOString(),
        reasons: countBy(queued.map((p) => p.reason)),
      },
      "due windows",
    );
  }
  const outcomes = await processQueue(o, queued);
  const failed = outcomes.filter((x) => x.status === "failed");
  return { standby: false, queued, outcomes, failed, interrupted: o.signal?.aborted === true };
}

/**
 * Ticks every `everyMs` (aligned to the clock, so `15m` ticks at :00, :15, :30, :45) until the
 * signal aborts. Returns the summaries of all ticks.
 */
export async function runScheduler(
  o: SchedulerOptions,
  everyMs: number,
  onTick?: (t: TickSummary) => void,
): Promise<TickSummary[]> {
  const ticks: TickSummary[] = [];
  while (!o.signal?.aborted) {
    const t = await schedulerTick(o);
    ticks.push(t);
    onTick?.(t);
    if (o.signal?.aborted) break;
    const now = Date.now();
    const next = Math.floor(now / everyMs) * everyMs + everyMs;
    log().debug({ next: new Date(next).toISOString() }, "sleeping until the next tick");
    try {
      await sleep(next - now, undefined, o.signal ? { signal: o.signal } : undefined);
    } catch {
      break;
    }
  }
  return ticks;
}

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
