/**
 * sparkgen/changes: what a metric change breaks, which columns it touches, and what to recompute.
 * `trends sparkgen plan`, `trends sparkgen lineage` and `trends schedule --backfill` use only
 * this file.
 *
 * @example
 *   const report = changeReport({ base: "HEAD", baseManifest: manifestAtRef("HEAD"), runs });
 *   renderMarkdown(report).join("\n");
 */
import { generate, MANIFEST } from "../generate.ts";
import type { JobSpec } from "../spec/kinds.ts";
import type { LiveState } from "./base.ts";
import type { RowsComparison } from "./compare-rows.ts";
import { diffManifests, type MetricChange, ORDER, type Role } from "./diff.ts";
import { diffLive } from "./live-diff.ts";
import type { Manifest } from "./manifest.ts";
import { manifestHashes } from "./manifest.ts";
import { type RecomputeTarget, recomputeCommands, recomputeList, type SucceededRun } from "./recompute.ts";
import type { ChangeReport } from "./render.ts";

export { committedManifest, type LiveState, manifestAtRef, readLiveState, succeededRuns } from "./base.ts";
export { compareRows, type Row, type RowsComparison } from "./compare-rows.ts";
export { renderCreateTable, renderTableChange, type TableShape } from "./ddl.ts";
export {
  type Category,
  type ColumnChange,
  diffManifests,
  fieldRole,
  type ManifestDiff,
  type MetricChange,
  type Reason,
  type Role,
} from "./diff.ts";
export { planSqlHashes, type SqlHashes, sqlHash } from "./hash.ts";
export { type ColumnLineage, jobLineage, lineageLine, type MetricLineage } from "./lineage.ts";
export { diffLive } from "./live-diff.ts";
export { buildManifest, type Manifest, type ManifestMetric, manifestHashes, specFields } from "./manifest.ts";
export {
  type Recompute,
  type RecomputeTarget,
  recomputeCommands,
  recomputeList,
  type SucceededRun,
} from "./recompute.ts";
export { type ChangeReport, changeReportJson, renderMarkdown } from "./render.ts";

/** The manifest of `job` as `trends sparkgen` would write it now (the specs in memory). */
export function workingManifest(job: JobSpec): Manifest {
  const file = generate(job).find((f) => f.path === MANIFEST)!;
  return JSON.parse(file.text) as Manifest;
}

/** Per metric, the metrics it reads (for recompute lists). */
export const readsOf = (m: Manifest): ReadonlyMap<string, readonly string[]> =>
  new Map(m.metrics.map((x) => [x.name, x.reads]));

export interface ChangeInput {
  /** The working tree's manifest (`workingManifest` of the loaded specs). */
  readonly head: Manifest;
  /** A git ref's manifest, or the live database. */
  readonly base:
    | { readonly label: string; readonly manifest: Manifest }
    | { readonly label: string; readonly live: LiveState };
  /** Each window's newest succeeded run (from `--database`); undefined: no recompute list. */
  readonly runs?: readonly SucceededRun[] | undefined;
  /** `--verify`: stored windows recomputed with the working tree's step, compared per metric. */
  readonly verified?: Verification | undefined;
  /** The input and database the recompute commands name. */
  readonly target?: RecomputeTarget | undefined;
}

/** What `plan --verify` found: the windows it recomputed and, per metric, its rows compared. */
export interface Verification {
  readonly windows: readonly { readonly start: Date; readonly end: Date }[];
  readonly metrics: ReadonlyMap<string, RowsComparison>;
}

/**
 * Reasons verification may clear: the compiler's (`sql`), the job's (its event statements or a job
 * field: how every metric reads the events) and another metric's (`upstream`). A metric's own spec
 * field (a formula, a filter, a weight) is never cleared.
 */
const CLEARABLE: ReadonlySet<Role> = new Set(["sql", "job", "upstream"]);

/**
 * A breaking metric whose reasons are all clearable (no field of its own spec, same columns) and
 * whose rows the verification found equal on every recomputed window is `results-equal`. A spec
 * field change stays breaking even when the sampled windows happen to agree: equality on N windows
 * is evidence about the compiler, not about a new formula.
 */
function verify(p: MetricChange, v: Verification | undefined): MetricChange {
  const found = v?.metrics.get(p.name);
  if (!v || !found || p.category !== "breaking") return p;
  const sqlOnly = p.columns.length === 0 && p.reasons.every((r) => CLEARABLE.has(r.role));
  const n = v.windows.length;
  if (found.equal && sqlOnly)
    return {
      ...p,
      category: "results-equal",
      reasons: [
        ...p.reasons,
        { role: "verified", text: `SQL changed, results equal on ${n} stored window(s)` },
      ],
    };
  const why = found.equal
    ? `results equal on ${n} stored window(s), but a spec field changed: recompute`
    : `results differ on the ${n} stored window(s) recomputed: ${found.stored} stored row(s), ${found.fresh} computed; ${found.onlyStored.length ? `e.g. stored ${found.onlyStored[0]}` : `e.g. computed ${found.onlyFresh[0]}`}`;
  return { ...p, reasons: [...p.reasons, { role: "verified", text: why }] };
}

export function changeReport(i: ChangeInput): ChangeReport {
  const { head } = i;
  const compared = "manifest" in i.base ? diffManifests(i.base.manifest, head) : diffLive(head, i.base.live);
  const metrics = compared.metrics
    .map((p) => verify(p, i.verified))
    .sort((x, y) => ORDER[x.category] - ORDER[y.category]);
  const diff = { metrics, breaking: metrics.some((m) => m.category === "breaking") };
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
    commands: recompute ? recomputeCommands(recompute, recomputeMetrics, i.target) : [],
  };
}
