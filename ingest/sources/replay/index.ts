export { parseSpeed, type ReplayOptions, type ReplaySpeed, replaySource } from "./replay.ts";
