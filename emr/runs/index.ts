// pipeline_run records (one row per window attempt) and the advisory locks that keep a window
// from running twice at once. Used by the scheduler and by `trends run`.
export {
  isLocked,
  type LockKey,
  type LockResult,
  schedulerLockKey,
  windowLockKey,
  withLock,
  withLocks,
} from "./locks.ts";
export { newOwner } from "./owner.ts";
export {
  ACTIVE_STATUSES,
  attemptById,
  finishAttempt,
  foldHistory,
  historyBetween,
  historyOf,
  markRunning,
  type NewAttempt,
  type RunsDb,
  resumePoints,
  startAttempt,
  type WindowHistory,
} from "./records.ts";
