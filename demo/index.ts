/** `trends demo`: the whole pipeline on one machine, end to end. */

export { type DemoProgress, type DemoReport, runDemo } from "./run.ts";
export { DEMO_DEFAULTS, type DemoOptions, type DemoSpan, demoSpan } from "./span.ts";
export { type DemoSummary, formatSummary, summarise } from "./summary.ts";
