import type { Window } from "../../runtime/windows/index.ts";
import type { WindowHistory } from "../runs/records.ts";

/**
 * Why a window is (re)processed:
 * - `new`: never ran;
 * - `retry`: its newest attempt failed (budget left), was interrupted or cancelled;
 * - `resume`: its newest attempt is still pending/running — taken over if its owner is gone;
 * - `late-data`: its input listing changed since it succeeded;
 * - `requested`: named explicitly (`trends run`);
 * - `backfill`: it last ran another SQL for a changed metric (`trends schedule --backfill`).
 */
export type Reason = "new" | "retry" | "resume" | "late-data" | "requested" | "backfill";

export interface QueueItem {
  readonly window: Window;
  readonly reason: Reason;
}

export interface StartPoints {
  /** `--from`: start there, and fill windows below the frontier that never ran. */
  readonly from?: Date | undefined;
  /** The newest window with any attempt. */
  readonly frontier?: Date | undefined;
  /** The oldest window that still needs attention (unfinished, interrupted, failed with budget). */
  readonly oldestOpen?: Date | undefined;
  /** Start of the oldest raw hour prefix (used only when nothing ever ran). */
  readonly oldestInput?: Date | undefined;
  /** Windows from here on have their input re-listed to detect late data. */
  readonly recheckFrom: Date;
  /** The newest due window. */
  readonly lastDue: Window;
  readonly windowMinutes: number;
}

/**
 * The first window a tick considers, and from where windows that never ran count as `new`.
 * - `--from` wins;
 * - otherwise, with run records: the oldest open window, the window after the frontier, or the
 *   recheck horizon, whichever is oldest — gaps below the frontier are not filled without `--from`
 *   (they are windows somebody deliberately skipped, e.g. a `trends run` of a later range);
 * - otherwise (first start): the oldest raw hour, else just the newest due window.
 */
export function startOf(p: StartPoints): { start: Date; newFrom: Date } {
  const size = p.windowMinutes * 60_000;
  const align = (d: Date) => new Date(Math.floor(d.getTime() / size) * size);
  if (p.from) return { start: align(p.from), newFrom: align(p.from) };
  if (p.frontier) {
    const next = new Date(p.frontier.getTime() + size);
    const times = [next, align(p.recheckFrom), ...(p.oldestOpen ? [p.oldestOpen] : [])].map((d) =>
      d.getTime(),
    );
    return { start: new Date(Math.min(...times)), newFrom: next };
  }
  const first = p.oldestInput ? align(p.oldestInput) : p.lastDue.start;
  return { start: first, newFrom: first };
}

export interface TickInput {
  /** Due windows from `startOf().start`, oldest first. */
  readonly candidates: readonly Window[];
  readonly newFrom: Date;
  readonly history: ReadonlyMap<number, WindowHistory>;
  /** Current input fingerprints of the succeeded windows that were re-listed. */
  readonly fingerprints: ReadonlyMap<number, string>;
  readonly maxAttempts: number;
}

/** What one tick should do, oldest first. Pure: the tests drive it with hand-made histories. */
export function queueTick(i: TickInput): QueueItem[] {
  const out: QueueItem[] = [];
  for (const window of i.candidates) {
    const reason = reasonFor(window, i);
    if (reason) out.push({ window, reason });
  }
  return out;
}

function reasonFor(w: Window, i: TickInput): Reason | undefined {
  const h = i.history.get(w.start.getTime());
  if (!h) return w.start.getTime() >= i.newFrom.getTime() ? "new" : undefined;
  switch (h.last.status) {
    case "pending":
    case "running":
      return "resume";
    case "interrupted":
    case "cancelled":
      return "retry";
    case "failed":
      // Out of budget: the window stays failed (reported when it happened) until someone reruns it.
      return h.failuresSinceSuccess < i.maxAttempts ? "retry" : undefined;
    case "succeeded": {
      const now = i.fingerprints.get(w.start.getTime());
      return now !== undefined && now !== h.last.input_fingerprint ? "late-data" : undefined;
    }
  }
}

/**
 * Delay before retry number `failures` (1-based): exponential from `baseMs`, capped at 15 minutes
 * (one scheduling period) so a flapping dependency is retried at least once per tick.
 */
export const retryDelay = (failures: number, baseMs: number): number =>
  Math.min(baseMs * 2 ** Math.max(0, failures - 1), 15 * 60_000);

/** Inserts items into an oldest-first queue, skipping windows already in it. */
export function enqueue(queue: QueueItem[], items: readonly QueueItem[]): void {
  for (const item of items) {
    const t = item.window.start.getTime();
    if (queue.some((q) => q.window.start.getTime() === t)) continue;
    const at = queue.findIndex((q) => q.window.start.getTime() > t);
    queue.splice(at < 0 ? queue.length : at, 0, item);
  }
}
