export type { ClusterSpec, EmulatedCluster, EmulatedStep } from "./cluster.ts";
export { type EmrEmulator, type EmrEmulatorOptions, startEmrEmulator } from "./server.ts";
export type { ApplicationSpec } from "./serverless.ts";
