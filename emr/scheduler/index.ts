// The scheduler: due windows from the run records, oldest first in range steps under PostgreSQL locks,
// retries with backoff, late-data reprocessing, graceful stop.

export { type BackfillOptions, type BackfillSummary, runBackfill } from "./backfill.ts";
export { DEFAULT_RANGE_WINDOWS, openPipeline, type Pipeline, type PipelineOptions } from "./deps.ts";
export { type InputObject, type InputSource, inputSource, type WindowInput, windowInput } from "./input.ts";
export { processQueue } from "./process.ts";
export { type QueueItem, queueTick, type Reason, retryDelay, startOf } from "./queue.ts";
export { attemptLine, outcomeJson, skippedLine, stopOnSignals } from "./report.ts";
export { runRange } from "./run-range.ts";
export {
  lastDueWindow,
  runScheduler,
  type SchedulerOptions,
  schedulerTick,
  type TickSummary,
} from "./scheduler.ts";
export type { AttemptOutcome, ProcessDeps, WindowOutcome } from "./types.ts";
export { type VerifyOptions, verifyStoredWindows } from "./verify.ts";
