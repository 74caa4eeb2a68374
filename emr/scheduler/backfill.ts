import { usageError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { isDue } from "../../runtime/windows/index.ts";
import {
  type Recompute,
  recomputeList,
  type SqlHashes,
  succeededRuns,
} from "../../sparkgen/changes/index.ts";
import { schedulerLockKey, withLock } from "../runs/locks.ts";
import { processQueue } from "./process.ts";
import type { ProcessDeps, WindowOutcome } from "./types.ts";

export interface BackfillOptions {
  /** Recompute windows stale for these metrics; default: every metric of the job. */
  readonly metrics?: readonly string[] | undefined;
  /** Per metric of the job, the metrics it reads (the manifest's `reads`). */
  readonly reads: ReadonlyMap<string, readonly string[]>;
  /** The clock (tests set it). */
  readonly now?: Date | undefined;
}

export interface BackfillSummary {
  /** Another scheduler holds the scheduler lock: nothing was done. */
  readonly standby: boolean;
  readonly planned: Recompute;
  readonly outcomes: readonly WindowOutcome[];
}

/**
 * `trends schedule --backfill`: recomputes exactly the due windows whose newest succeeded run
 * recorded another SQL hash for one of `metrics` (or a metric they read, or the event statements)
 * than the plan the runner runs now — the list `trends sparkgen plan` prints. Oldest first, under
 * the scheduler lock like a tick, each window under its own lock with the schedule's attempts,
 * retries and exactly-once commits (`processQueue`).
 */
export async function runBackfill(deps: ProcessDeps, o: BackfillOptions): Promise<BackfillSummary> {
  const current: SqlHashes | undefined = deps.sqlHashes;
  if (!current)
    throw usageError(
      "the runner's plan has no SQL hashes to compare with",
      "run `npx trends sparkgen` first",
    );
  const known = [...o.reads.keys()];
  const metrics = o.metrics ?? known;
  const unknown = metrics.filter((m) => !known.includes(m));
  if (unknown.length > 0)
    throw usageError(
      `--metrics names no metric of the job: ${unknown.join(", ")}`,
      `pick from ${known.join(", ")}`,
    );
  const r = await withLock(deps.db, schedulerLockKey, async () => {
    const now = o.now ?? new Date();
    const runs = (await succeededRuns(deps.db)).filter((x) =>
      isDue({ start: x.windowStart, end: x.windowEnd }, now, deps.latenessMinutes),
    );
    const planned = recomputeList(runs, metrics, o.reads, current);
    if (planned.windows.length > 0)
      log().info(
        { windows: planned.windows.length, first: planned.windows[0]!.start.toISOString(), metrics },
        "backfill: windows that ran another SQL",
      );
    const outcomes = await processQueue(
      deps,
      planned.windows.map((w) => ({ window: { start: w.start, end: w.end }, reason: "backfill" as const })),
    );
    return { planned, outcomes };
  });
  if (!r.acquired) {
    log().info("another scheduler holds the scheduler lock; backfill standing by (run it again later)");
    return { standby: true, planned: { windows: [], unrecorded: [], ranges: [] }, outcomes: [] };
  }
  return { standby: false, ...r.value };
}
