import type { AttemptOutcome, WindowOutcome } from "./types.ts";

/**
 * An AbortSignal fired by the first SIGINT/SIGTERM (the scheduler then cancels its in-flight step
 * and records it `interrupted`); a second signal gets Node's default handling and ends the
 * process at once.
 */
export function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const stop = (sig: NodeJS.Signals) => ac.abort(new Error(`stopped by ${sig}`));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return {
    signal: ac.signal,
    dispose: () => {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
    },
  };
}

const num = (v: number | null | undefined): string => (v === null || v === undefined ? "-" : String(v));

/** One readable line per attempt: window, status, events, bad records, duplicates, seconds. */
export function attemptLine(a: AttemptOutcome): string {
  const parts = [
    a.window.start.toISOString(),
    a.status.padEnd(11),
    `events ${num(a.events)}`,
    `rows ${num(a.rowsRead)}`,
    `bad ${num(a.badRecords)}`,
    `dup ${num(a.duplicates)}`,
    `${a.seconds.toFixed(1)} s`,
    `attempt ${a.attempt}`,
  ];
  if (a.reason !== "requested" && a.reason !== "new") parts.push(`(${a.reason})`);
  if (a.error && a.status !== "succeeded") parts.push(`— ${a.error.split("\n")[0]}`);
  return parts.join("  ");
}

/**
 * One line for a window this pass skipped because another process held its lock (a concurrent
 * `trends run` or scheduler): the window is being processed there, and its stored results are
 * exact whichever run commits last (README.md, "Overlapping runs"), but this pass cannot vouch
 * for the outcome, so it says how to check it.
 */
export function skippedLine(o: WindowOutcome): string {
  const from = o.window.start.toISOString();
  return `${from}  held elsewhere  skipped: another run is processing it; check it afterwards with \`trends query runs --from ${from} --to ${o.window.end.toISOString()}\``;
}

/** JSON form of a window outcome (dates as ISO strings). */
export const outcomeJson = (o: WindowOutcome) => ({
  window_start: o.window.start.toISOString(),
  window_end: o.window.end.toISOString(),
  reason: o.reason,
  status: o.status,
  attempts: o.attempts.map((a) => ({
    run_id: a.runId,
    attempt: a.attempt,
    status: a.status,
    step_id: a.stepId ?? null,
    input_objects: a.inputObjects,
    events: a.events ?? null,
    rows_read: a.rowsRead ?? null,
    bad_records: a.badRecords ?? null,
    duplicates: a.duplicates ?? null,
    seconds: Math.round(a.seconds * 10) / 10,
    error: a.error ?? null,
  })),
});
