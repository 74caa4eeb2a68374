export { batches } from "./batches.ts";
export { type IngestSummary, type PipelineOptions, runPipeline } from "./pipeline.ts";
export type { IngestCounters, IngestProgress } from "./progress.ts";
