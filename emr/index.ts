// The emr stage's public entry: artifacts, step runners (EMR, local spark-submit), IAM policies.
// The scheduler (emr B) adds its exports below with a targeted edit.
export {
  isTerminal,
  type StepRequest,
  type StepResult,
  type StepRunner,
  type StepState,
  type StepStatus,
  TERMINAL_STATES,
} from "./runners/step-runner.ts";
