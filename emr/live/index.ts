// Live mode's public entry: the long-running live Spark application and its supervisor, locally,
// on EMR and on EMR Serverless.
export { emrLiveRun, LIVE_JOB_TIMEOUT_MINUTES, LIVE_NAME, liveEmrStep, serverlessLiveRun } from "./remote.ts";
export {
  LIVE_SCRIPT,
  type LiveAppOptions,
  type LiveEnd,
  type LiveRun,
  type LiveSupervisorOptions,
  type LocalLiveOptions,
  liveAppArgs,
  localLiveRun,
  restartDelayMs,
  runLive,
  superviseLive,
} from "./supervisor.ts";
