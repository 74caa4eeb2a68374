/** `trends demo`: the whole pipeline on one machine, end to end. */
export { DEMO_DEFAULTS, type DemoOptions, type DemoPlan, planDemo } from "./plan.ts";
export { type DemoProgress, type DemoReport, runDemo } from "./run.ts";
export { type DemoSummary, formatSummary, summarise } from "./summary.ts";
