/**
 * The ingest stage's public entry: sources → normalise → sentiment → sinks, and the pipeline that
 * joins them. Other stages and the CLI import only from here.
 */
export { createNormaliser, eventLine, type NormaliseOptions, normalise } from "./normalise/index.ts";
export {
  ARRIVALS,
  type Arrival,
  blueskyCursorPath,
  checkArrival,
  createSource,
  DEFAULT_RULES_FILE,
  EVENT_TIME_SOURCES,
  EventTimeSink,
  eventTimeOf,
  formatSummary,
  type IngestProgress,
  type IngestSummary,
  type PipelineOptions,
  ReplayClock,
  replayedAt,
  runPipeline,
  SOURCE_KINDS,
  type SourceChoice,
  type SourceKind,
} from "./pipeline/index.ts";
export {
  ANALYSER_NAMES,
  type AnalyserName,
  type AnalyserOptions,
  createAnalyser,
  createVaderAnalyser,
  type VaderAnalyser,
} from "./sentiment/index.ts";
export {
  billedBytes,
  createSink,
  DirSink,
  type DirSinkOptions,
  FIREHOSE_LIMITS,
  type FirehoseRetryOptions,
  FirehoseSink,
  type FirehoseSinkOptions,
  MemorySink,
  Packer,
  type PackingLimits,
  type Sink,
  type SinkChoice,
  type SinkKind,
  type SinkStats,
  spoolDirFor,
} from "./sinks/index.ts";
export {
  type BlueskyOptions,
  blueskyReplaySource,
  blueskySource,
  CursorFile,
  compileRule,
  JETSTREAM_ENDPOINTS,
  type LocalRule,
  lockCursor,
  ProfileCache,
  PUBLIC_APPVIEW,
  profilesPathFor,
  type RecordedProfiles,
  RULES_LIMITS,
  RulesFile,
  timeUsOf,
} from "./sources/bluesky/index.ts";
export { parseSpeed, type ReplayOptions, type ReplaySpeed, replaySource } from "./sources/replay/index.ts";
export {
  crisisHashtag,
  SYNTH_LIMITS,
  type SynthOptions,
  SynthStream,
  type SynthTruth,
  synthSource,
  toJetstream,
  truthPathFor,
  writeJetstreamFile,
  writeSynthFile,
} from "./sources/synth/index.ts";
export {
  addRules,
  createXClient,
  deleteRules,
  listRules,
  type RuleChange,
  type StreamRule,
  X_STREAM_QUERY,
  type XClientOptions,
  type XStreamOptions,
  xStreamSource,
} from "./sources/x-stream/index.ts";
export type {
  NormalisedRecord,
  NormaliseResult,
  Normaliser,
  RawMessage,
  Sentiment,
  SentimentAnalyser,
  Source,
} from "./types.ts";
