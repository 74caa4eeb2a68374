export {
  ARRIVALS,
  type Arrival,
  checkArrival,
  EVENT_TIME_SOURCES,
  EventTimeSink,
  eventTimeOf,
  observedBy,
  ReplayClock,
  replayedAt,
} from "./arrival.ts";
export { batches } from "./batches.ts";
export {
  blueskyCursorPath,
  createSource,
  DEFAULT_RULES_FILE,
  SOURCE_KINDS,
  type SourceChoice,
  type SourceKind,
} from "./choose.ts";
export { type IngestSummary, type PipelineOptions, runPipeline } from "./pipeline.ts";
export type { IngestCounters, IngestProgress } from "./progress.ts";
export { formatSummary } from "./summary.ts";
