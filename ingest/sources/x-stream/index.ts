export { failureKind, reconnectDelayMs, X_BACKOFF, type XBackoff } from "./backoff.ts";
export { createXClient, type XClientOptions } from "./client.ts";
export { addRules, deleteRules, listRules, type RuleChange, type StreamRule } from "./rules.ts";
export { X_STREAM_QUERY, type XStreamOptions, xStreamSource } from "./source.ts";
