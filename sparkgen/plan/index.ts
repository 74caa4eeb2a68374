/**
 * sparkgen/plan: what a metric change breaks, which columns it touches, and what to recompute.
 * `trends sparkgen plan`, `trends sparkgen lineage` and `trends schedule --backfill` use only
 * this file.
 *
 * @example
 *   const report = planReport({ base: "HEAD", baseManifest: manifestAtRef("HEAD"), runs });
 *   renderMarkdown(report).join("\n");
 */
import { generate, MANIFEST } from "../generate.ts";
import type { JobSpec } from "../spec/kinds.ts";
import type { LiveState } from "./base.ts";
import { diffManifests } from "./diff.ts";
import { diffLive } from "./live-diff.ts";
import type { Manifest } from "./manifest.ts";
import { manifestHashes } from "./manifest.ts";
import { recomputeCommands, recomputeList, type SucceededRun } from "./recompute.ts";
import type { PlanReport } from "./render.ts";

export { committedManifest, type LiveState, manifestAtRef, readLiveState, succeededRuns } from "./base.ts";
export { renderCreateTable, renderTableChange, type TableShape } from "./ddl.ts";
export {
  type Category,
  type ColumnChange,
  diffManifests,
  fieldRole,
  type ManifestDiff,
  type MetricPlan,
  type Reason,
  type Role,
} from "./diff.ts";
export { planSqlHashes, type SqlHashes, sqlHash } from "./hash.ts";
export { type ColumnLineage, jobLineage, lineageLine, type MetricLineage } from "./lineage.ts";
export { diffLive } from "./live-diff.ts";
export { buildManifest, type Manifest, type ManifestMetric, manifestHashes, specFields } from "./manifest.ts";
export { type Recompute, recomputeCommands, recomputeList, type SucceededRun } from "./recompute.ts";
export { type PlanReport, planJson, renderMarkdown } from "./render.ts";

/** The manifest of `job` as `trends sparkgen` would write it now (the specs in memory). */
export function workingManifest(job: JobSpec): Manifest {
  const file = generate(job).find((f) => f.path === MANIFEST)!;
  return JSON.parse(file.text) as Manifest;
}

/** Per metric, the metrics it reads (for recompute lists). */
export const readsOf = (m: Manifest): ReadonlyMap<string, readonly string[]> =>
  new Map(m.metrics.map((x) => [x.name, x.reads]));

export interface PlanInput {
  /** The working tree's manifest (`workingManifest` of the loaded specs). */
  readonly head: Manifest;
  /** A git ref's manifest, or the live database. */
  readonly base:
    | { readonly label: string; readonly manifest: Manifest }
    | { readonly label: string; readonly live: LiveState };
  /** Each window's newest succeeded run (from `--database`); undefined: no recompute list. */
  readonly runs?: readonly SucceededRun[] | undefined;
}

export function planReport(i: PlanInput): PlanReport {
  const { head } = i;
  const diff = "manifest" in i.base ? diffManifests(i.base.manifest, head) : diffLive(head, i.base.live);
  const inHead = new Set(head.metrics.map((m) => m.name));
  const recomputeMetrics = diff.metrics
    .filter((m) => m.category === "breaking" && inHead.has(m.name))
    .map((m) => m.name);
  const runs = i.runs ?? ("live" in i.base ? i.base.live.runs : undefined);
  const recompute = runs
    ? recomputeList(runs, recomputeMetrics, readsOf(head), manifestHashes(head))
    : undefined;
  return {
    base: i.base.label,
    diff,
    head,
    recomputeMetrics,
    recompute,
    commands: recompute ? recomputeCommands(recompute, recomputeMetrics) : [],
  };
}
