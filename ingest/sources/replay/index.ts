export { MAX_LINE_BYTES, parseSpeed, type ReplayOptions, type ReplaySpeed, replaySource } from "./replay.ts";
