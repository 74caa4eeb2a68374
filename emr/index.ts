// The emr stage's public entry: artifacts, step runners (EMR, local spark-submit), IAM policies.
// The scheduler (emr B) adds its exports below with a targeted edit.

export {
  addStepsInput,
  type ClusterInfo,
  EMR_LIMITS,
  type EmrStepOptions,
  EmrStepRunner,
  type EmrStepRunnerOptions,
  emrStepConfig,
  type StepArtifacts,
} from "./runners/emr.ts";
export { DEFAULT_STEP_SCRIPT, LocalStepRunner, type LocalStepRunnerOptions } from "./runners/local.ts";
export { backoffDelay, pollUntilTerminal } from "./runners/poll.ts";
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
