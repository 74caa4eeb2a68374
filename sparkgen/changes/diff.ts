/**
 * Two manifests → what changed, per metric: its category (breaking, non-breaking, metadata only)
 * with reasons naming the spec fields, its column changes and their DDL.
 *
 * Whether values change is read from the lineage fingerprints, not guessed from field names: a
 * column whose fingerprint moved computes something else (breaking), a metric whose stored rows
 * moved (a filter, the top-N cut) stores other rows (breaking), new columns beside unchanged ones
 * are non-breaking, and a change that moves no fingerprint is metadata. Field roles (weight,
 * threshold, …) only word the reasons; `fieldRole` has one case per spec kind.
 */
import type { OutputColumn } from "../compile/index.ts";
import { renderCreateTable, renderTableChange } from "./ddl.ts";
import type { FieldValue, Manifest, ManifestMetric } from "./manifest.ts";

/**
 * `results-equal`: breaking by its SQL alone (a compiler or event-statement change, no spec field,
 * same columns), and `plan --verify` found its rows equal on the stored windows it recomputed.
 */
export type Category = "breaking" | "results-equal" | "non-breaking" | "metadata" | "unchanged";

/** What kind of spec field a reason names. */
export type Role =
  | "formula"
  | "filter"
  | "dimension"
  | "weight"
  | "threshold"
  | "cap"
  | "rank"
  | "parameter"
  | "metadata"
  | "metric"
  | "columns"
  | "upstream"
  | "job"
  | "sql"
  | "verified";

export interface Reason {
  readonly role: Role;
  /** The spec field (dotted path), when one is named. */
  readonly field?: string;
  readonly text: string;
}

export interface ColumnChange {
  readonly change: "added" | "removed" | "renamed" | "retyped";
  readonly column: string;
  /** `renamed`: the old name. */
  readonly from?: string;
  readonly before?: OutputColumn;
  readonly after?: OutputColumn;
}

export interface MetricChange {
  readonly name: string;
  readonly kind: string;
  readonly category: Category;
  readonly reasons: readonly Reason[];
  readonly columns: readonly ColumnChange[];
  /** Existing columns whose values change (breaking only). */
  readonly affected: readonly string[];
  /** Which rows the metric stores changes (a filter, the top-N cut). */
  readonly rowsChanged: boolean;
  /** The DDL `trends sparkgen` will generate for it (see ddl.ts). */
  readonly migration: readonly string[];
}

export interface ManifestDiff {
  readonly metrics: readonly MetricChange[];
  readonly breaking: boolean;
}

export const ORDER: Record<Category, number> = {
  breaking: 0,
  "results-equal": 1,
  "non-breaking": 2,
  metadata: 3,
  unchanged: 4,
};

/** The role of a spec field, per kind; a kind without a case gets the generic reading of its path. */
export function fieldRole(kind: string, path: string): Role {
  const [head = "", ...rest] = path.split(".");
  switch (kind) {
    case "aggregate":
      return head === "measures" ? "formula" : generic(head);
    case "influencer":
      if (head === "weights") return "weight";
      if (head === "depthCap" || head === "topN") return "cap";
      if (head === "retweetRelation") return "filter";
      return head === "columns" ? "formula" : generic(head);
    case "alert":
      // baseline.metric/column and the stored columns say what is compared; the levels and the
      // baseline's length, minimum and filter say when it alerts.
      if (head === "columns" || (head === "baseline" && (rest[0] === "metric" || rest[0] === "column")))
        return "formula";
      return head === "levels" || head === "baseline" ? "threshold" : generic(head);
    default:
      // rank.top is a cap (how many rows); rank.by is what orders them.
      return head === "rank" && rest[0] === "by" ? "rank" : generic(head);
  }
}

function generic(head: string): Role {
  if (/^(where|include|filter|exclude|having)/i.test(head)) return "filter";
  if (/^dimension/i.test(head)) return "dimension";
  if (/^(measure|formula|expression)/i.test(head)) return "formula";
  if (/weight/i.test(head)) return "weight";
  if (/^(min|max|threshold|warning|critical|baseline)/i.test(head)) return "threshold";
  if (/^(top|cap|limit|rank)|Cap$/i.test(head)) return "cap";
  if (/^(description|comment)/i.test(head)) return "metadata";
  return "parameter";
}

const MAX_VALUE = 80;
const show = (v: FieldValue | undefined): string => {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
};

/** `weights.retweets 0.35 → 0.45`; lists say which elements came and went. */
function fieldText(path: string, before: FieldValue | undefined, after: FieldValue | undefined): string {
  if (before === undefined) return `${path} added: ${show(after)}`;
  if (after === undefined) return `${path} removed (was ${show(before)})`;
  if (Array.isArray(before) && Array.isArray(after)) {
    const b = new Set(before.map((x) => JSON.stringify(x)));
    const a = new Set(after.map((x) => JSON.stringify(x)));
    const plus = [...a].filter((x) => !b.has(x));
    const minus = [...b].filter((x) => !a.has(x));
    const parts = [...plus.map((x) => `+${x}`), ...minus.map((x) => `−${x}`)];
    return `${path} ${parts.length > 0 ? show(parts.join(" ")) : "reordered"}`;
  }
  return `${path} ${show(before)} → ${show(after)}`;
}

function fieldReasons(kind: string, b: ManifestMetric["fields"], h: ManifestMetric["fields"]): Reason[] {
  const paths = [...new Set([...Object.keys(b), ...Object.keys(h)])];
  return paths
    .filter((p) => JSON.stringify(b[p]) !== JSON.stringify(h[p]))
    .map((p) => ({ role: fieldRole(kind, p), field: p, text: fieldText(p, b[p], h[p]) }));
}

function diffColumns(b: ManifestMetric, h: ManifestMetric): ColumnChange[] {
  const before = new Map(b.columns.map((c) => [c.name, c]));
  const after = new Map(h.columns.map((c) => [c.name, c]));
  const removed = b.columns.filter((c) => !after.has(c.name));
  const out: ColumnChange[] = [];
  const renamedFrom = new Set<string>();
  for (const a of h.columns) {
    const old = before.get(a.name);
    if (old) {
      if (old.type !== a.type || old.nullable !== a.nullable)
        out.push({ change: "retyped", column: a.name, before: old, after: a });
      continue;
    }
    // Renamed: a removed column of the same type that computed exactly this.
    const same = removed.filter(
      (r) =>
        !renamedFrom.has(r.name) &&
        r.type === a.type &&
        b.lineage[r.name]?.fingerprint === h.lineage[a.name]?.fingerprint,
    );
    if (same.length === 1) {
      renamedFrom.add(same[0]!.name);
      out.push({ change: "renamed", column: a.name, from: same[0]!.name, before: same[0]!, after: a });
    } else out.push({ change: "added", column: a.name, after: a });
  }
  for (const r of removed)
    if (!renamedFrom.has(r.name)) out.push({ change: "removed", column: r.name, before: r });
  return out;
}

export const columnText = (c: ColumnChange): string => {
  switch (c.change) {
    case "added":
      return `column ${c.column} added (${c.after!.type}; nobody read it before)`;
    case "removed":
      return `column ${c.column} removed: its readers break`;
    case "renamed":
      return `column ${c.from} renamed to ${c.column}: its readers break`;
    case "retyped":
      return `column ${c.column} ${c.before!.type}${c.before!.nullable ? " null" : ""} → ${c.after!.type}${c.after!.nullable ? " null" : ""}`;
  }
};

/** Compares `base` (a git ref's manifest) with `head` (the working tree's). */
export function diffManifests(base: Manifest, head: Manifest): ManifestDiff {
  // A job field (window length, event time, dedup, topics) changes every window of every metric,
  // whether or not the SQL text shows it (the window length is a step argument).
  const jobFields: Reason[] = fieldReasons("job", base.job.fields, head.job.fields).map((r) => ({
    ...r,
    role: "job",
    text: `job ${r.text}`,
  }));
  const jobReasons = [...jobFields];
  for (const [k, v] of Object.entries(head.job.sql))
    if (base.job.sql[k] !== v)
      jobReasons.push({ role: "job", text: `the ${k} statement every metric reads through changed` });
  const metricChanges = new Map<string, MetricChange>();
  const baseByName = new Map(base.metrics.map((m) => [m.name, m]));
  for (const h of head.metrics) {
    const b = baseByName.get(h.name);
    metricChanges.set(h.name, b ? changed(b, h, jobReasons, jobFields.length > 0, metricChanges) : added(h));
  }
  for (const b of base.metrics) {
    if (metricChanges.has(b.name)) continue;
    metricChanges.set(b.name, {
      name: b.name,
      kind: b.kind,
      category: "breaking",
      reasons: [
        {
          role: "metric",
          text: `metric removed: the step stops writing ${b.name} (the table and its rows stay; its readers see no new windows)`,
        },
      ],
      columns: [],
      affected: [],
      rowsChanged: false,
      migration: [],
    });
  }
  const metrics = [...metricChanges.values()].sort((x, y) => ORDER[x.category] - ORDER[y.category]);
  return { metrics, breaking: metrics.some((m) => m.category === "breaking") };
}

/** A metric the base does not have: a new table. */
export function added(h: ManifestMetric): MetricChange {
  return {
    name: h.name,
    kind: h.kind,
    category: "non-breaking",
    reasons: [
      {
        role: "metric",
        text: `${h.kind === "metric" ? "new metric" : `new ${h.kind} metric`}: a new table, no stored window reads or holds it`,
      },
    ],
    columns: [],
    affected: [],
    rowsChanged: false,
    migration: renderCreateTable(h.name, h),
  };
}

/** `metricChanges` holds the metrics before this one (a metric reads only earlier ones). */
function changed(
  b: ManifestMetric,
  h: ManifestMetric,
  jobReasons: readonly Reason[],
  jobChanged: boolean,
  metricChanges: ReadonlyMap<string, MetricChange>,
): MetricChange {
  const columns = diffColumns(b, h);
  const fields = fieldReasons(h.kind, b.fields, h.fields);
  const kept = h.columns.filter((c) => b.lineage[c.name] && !columns.some((x) => x.column === c.name));
  const affected = kept
    .filter((c) => b.lineage[c.name]!.fingerprint !== h.lineage[c.name]!.fingerprint)
    .map((c) => c.name);
  const rowsChanged = b.rows !== h.rows;
  const base = { name: h.name, kind: h.kind, columns, affected, rowsChanged };
  const migration = renderTableChange(h.name, b, h);
  const meta: Reason[] = [
    ...(b.description !== h.description
      ? [{ role: "metadata" as const, field: "description", text: "description changed" }]
      : []),
    ...(b.source !== h.source
      ? [{ role: "metadata" as const, field: "source", text: `declared in ${h.source} (was ${b.source})` }]
      : []),
  ];
  const kindChanged = b.kind !== h.kind;
  const breakingColumns = columns.filter((c) => c.change !== "added");
  if (kindChanged || jobChanged || affected.length > 0 || rowsChanged || breakingColumns.length > 0) {
    const reasons: Reason[] = [
      ...(kindChanged
        ? [{ role: "formula" as const, field: "kind", text: `kind ${b.kind} → ${h.kind}` }]
        : []),
      ...fields.filter((r) => r.role !== "metadata"),
      ...breakingColumns.map((c) => ({ role: "columns" as const, field: c.column, text: columnText(c) })),
      ...upstream(h, affected, metricChanges),
      ...jobReasons,
    ];
    if (
      reasons.length === 0 ||
      (b.sqlHash !== h.sqlHash && fields.length === 0 && reasons.every((r) => r.role === "upstream"))
    )
      reasons.push({
        role: "sql",
        text: "the generated SQL computes something else, though no spec field changed (a compiler change)",
      });
    return { ...base, category: "breaking", reasons, migration };
  }
  const addedColumns = columns.filter((c) => c.change === "added");
  if (addedColumns.length > 0) {
    return {
      ...base,
      category: "non-breaking",
      reasons: [
        ...fields,
        ...addedColumns.map((c) => ({ role: "columns" as const, field: c.column, text: columnText(c) })),
      ],
      migration,
    };
  }
  const cosmetic = fields.map((r) => ({ ...r, text: `${r.text} (the stored results do not change)` }));
  // Same columns, other constraints (a share's 0…1 CHECK): the table changes, its rows do not.
  const constraints: Reason[] =
    migration.length > 0
      ? [
          {
            role: "columns",
            text: "its CHECK constraints changed (the migration below); the stored results do not change",
          },
        ]
      : [];
  if (meta.length > 0 || cosmetic.length > 0 || constraints.length > 0 || b.sqlHash !== h.sqlHash) {
    const sql: Reason[] =
      b.sqlHash !== h.sqlHash && cosmetic.length === 0
        ? [{ role: "sql", text: "the SQL text changed, but every column computes the same" }]
        : [];
    return {
      ...base,
      category: "metadata",
      reasons: [...meta, ...cosmetic, ...constraints, ...sql],
      migration,
    };
  }
  return { ...base, category: "unchanged", reasons: [], migration };
}

/** Breaking metrics this one reads, through the columns whose values change. */
function upstream(
  h: ManifestMetric,
  affected: readonly string[],
  metricChanges: ReadonlyMap<string, MetricChange>,
): Reason[] {
  const out = new Map<string, Reason>();
  for (const c of affected) {
    for (const v of h.lineage[c]!.via) {
      const [metric, column] = v.split(".") as [string, string];
      const p = metricChanges.get(metric);
      if (p?.category !== "breaking" || !(p.affected.includes(column) || p.rowsChanged)) continue;
      const why = p.reasons.find((r) => r.field)?.field ?? p.reasons[0]?.text ?? "";
      out.set(v, { role: "upstream", field: v, text: `reads ${v}, which changed (${why})` });
    }
  }
  return [...out.values()];
}
