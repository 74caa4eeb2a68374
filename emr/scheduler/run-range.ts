import { usageError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { isDue, windowsBetween } from "../../runtime/windows/index.ts";
import { processQueue } from "./process.ts";
import type { ProcessDeps, WindowOutcome } from "./types.ts";

/**
 * `trends run`: every window with its start in `[from, to)`, once, oldest first, whatever ran
 * before (a rerun replaces the window's results atomically). Windows that are not due yet are
 * left out with a warning: their data may still be arriving. The step also rewrites the alerts of
 * later windows whose baseline changed (README.md, "Overlapping runs").
 */
export async function runRange(
  deps: ProcessDeps,
  from: Date,
  to: Date,
  now: Date = new Date(),
): Promise<WindowOutcome[]> {
  if (to.getTime() <= from.getTime()) {
    throw usageError(
      `--to ${to.toISOString()} is not after --from ${from.toISOString()}`,
      "pass a later --to",
    );
  }
  const all = windowsBetween(from, to, deps.windowMinutes);
  const due = all.filter((w) => isDue(w, now, deps.latenessMinutes));
  if (due.length < all.length) {
    log().warn(
      { skipped: all.length - due.length, from: all[due.length]!.start.toISOString() },
      "windows not due yet (closed + lateness allowance) are left for the scheduler",
    );
  }
  return processQueue(
    deps,
    due.map((window) => ({ window, reason: "requested" as const })),
  );
}
