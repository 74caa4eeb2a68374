// The emr stage's public entry: artifacts, step runners (EMR, local spark-submit), IAM policies.
// The scheduler (emr B) adds its exports below with a targeted edit.

export * from "./artifacts/index.ts";
export {
  checkPolicyInputs,
  iamPolicy,
  POLICY_ROLES,
  type PolicyDocument,
  type PolicyInputs,
  type PolicyRole,
  type PolicyStatement,
} from "./policy/index.ts";
export {
  addStepsInput,
  type ClusterInfo,
  EMR_LIMITS,
  type EmrStepOptions,
  EmrStepRunner,
  type EmrStepRunnerOptions,
  emrStepConfig,
  mapEmrError,
  type StepArtifacts,
} from "./runners/emr.ts";
export {
  checkCredentials,
  dryRunSteps,
  type EmrSubmission,
  findStepLogs,
  type StepLogs,
  type Submitted,
  submitWindows,
  windowRequests,
} from "./runners/emr-ops.ts";
// EMR Serverless: job runs through the same step contract.
export {
  checkServerlessIds,
  DEFAULT_SERVERLESS_SIZING,
  EmrServerlessStepRunner,
  type EmrServerlessStepRunnerOptions,
  jobRunLogPrefix,
  mapServerlessError,
  SERVERLESS_LIMITS,
  type ServerlessApplication,
  type ServerlessJobOptions,
  type ServerlessSizing,
  startJobRunInput,
} from "./runners/emr-serverless.ts";
export {
  dryRunJobRuns,
  findJobRunLogs,
  type JobRunLogs,
  type ServerlessSubmission,
  serverlessSizing,
  serverlessTarget,
  submitJobRuns,
} from "./runners/emr-serverless-ops.ts";
export {
  DEFAULT_PLAN,
  DEFAULT_STEP_SCRIPT,
  LocalStepRunner,
  type LocalStepRunnerOptions,
} from "./runners/local.ts";
export { backoffDelay, pollUntilTerminal } from "./runners/poll.ts";
export { runStatsReader } from "./runners/run-stats.ts";
export { checkTarget, type SparkTarget, STEP_TARGETS, sparkTargetOf } from "./runners/spark-target.ts";
export {
  checkJdbcUrl,
  jdbcFromDatabaseUrl,
  parseStepResult,
  runIdOf,
  type StepCredentials,
  stepArgs,
  stepName,
} from "./runners/step-args.ts";
export {
  isTerminal,
  type StepRequest,
  type StepResult,
  type StepRunner,
  type StepState,
  type StepStatus,
  TERMINAL_STATES,
} from "./runners/step-runner.ts";
// emr B: run records, locks and the scheduler.
export {
  finishAttempt,
  foldHistory,
  historyBetween,
  isLocked,
  newOwner,
  type RunsDb,
  resumePoints,
  schedulerLockKey,
  startAttempt,
  type WindowHistory,
  windowLockKey,
  withLock,
} from "./runs/index.ts";
export {
  type AttemptOutcome,
  attemptLine,
  type BackfillOptions,
  type BackfillSummary,
  DEFAULT_RANGE_WINDOWS,
  type InputSource,
  inputSource,
  lastDueWindow,
  openPipeline,
  outcomeJson,
  type Pipeline,
  type PipelineOptions,
  type ProcessDeps,
  processQueue,
  type QueueItem,
  type Reason,
  runBackfill,
  runRange,
  runScheduler,
  type SchedulerOptions,
  schedulerTick,
  skippedLine,
  stopOnSignals,
  type TickSummary,
  type VerifyOptions,
  verifyStoredWindows,
  type WindowOutcome,
  windowInput,
} from "./scheduler/index.ts";
