export * from "./columns.ts";
export * from "./event-v1.ts";
export * from "./validate.ts";
