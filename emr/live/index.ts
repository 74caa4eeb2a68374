// Live mode's public entry: the long-running live Spark application and its supervisor.
export {
  LIVE_SCRIPT,
  type LiveAppOptions,
  type LiveSupervisorOptions,
  liveAppArgs,
  restartDelayMs,
  runLive,
} from "./supervisor.ts";
