/** Spec tests: the cases a spec carries, laid out, run in one Spark application, compared. */
export { type CaseResult, compareCase } from "./compare.ts";
export { LAYOUT_ORIGIN, type Layout, layOut, type Placement, parseAt } from "./layout.ts";
export { CASES_PLAN, type CaseRun, type CaseRunOptions, runCases } from "./run.ts";
export { SPEC_NAME, scaffoldSpec, specFileOf } from "./scaffold.ts";
