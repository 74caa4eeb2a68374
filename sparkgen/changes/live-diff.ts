/**
 * The working tree against the live database (`--database`): its tables' columns, and the SQL
 * hashes the newest succeeded run recorded. The database holds no spec fields, so a SQL change is
 * reported by hash; `--base REF` names the fields.
 */
import type { LiveState } from "./base.ts";
import { renderTableChange } from "./ddl.ts";
import {
  added,
  type ColumnChange,
  columnText,
  type ManifestDiff,
  type MetricChange,
  ORDER,
  type Reason,
} from "./diff.ts";
import { EVENT_STATEMENTS } from "./hash.ts";
import type { Manifest, ManifestMetric } from "./manifest.ts";

export function diffLive(head: Manifest, live: LiveState): ManifestDiff {
  const newest = [...live.runs].reverse().find((r) => r.sqlHashes !== null);
  const ran = newest?.sqlHashes ?? undefined;
  const metrics: MetricChange[] = head.metrics.map((h) => {
    const table = live.tables.get(h.name);
    if (!table) return added(h);
    const columns = columnsAgainst(table, h);
    const reasons: Reason[] = [];
    let breaking = columns.some((c) => c.change !== "added");
    for (const c of columns) reasons.push({ role: "columns", field: c.column, text: columnText(c) });
    if (ran && ran[h.name] !== undefined) {
      const keys = [h.name, ...EVENT_STATEMENTS, ...h.reads];
      const current: Record<string, string> = {
        ...head.job.sql,
        ...Object.fromEntries(head.metrics.map((m) => [m.name, m.sqlHash])),
      };
      for (const k of keys) {
        if (ran[k] === current[k]) continue;
        breaking = true;
        reasons.push({
          role: k === h.name ? "sql" : k in head.job.sql ? "job" : "upstream",
          text: `${k === h.name ? "its SQL" : `the SQL of ${k}`} differs from what the newest run (window ${newest!.windowStart.toISOString()}) used: ${ran[k] ?? "none"} → ${current[k]} (\`--base REF\` names the spec fields)`,
        });
      }
    }
    const category = breaking ? "breaking" : columns.length > 0 ? "non-breaking" : "unchanged";
    return {
      name: h.name,
      kind: h.kind,
      category,
      reasons,
      columns,
      affected: [],
      rowsChanged: false,
      // The database keeps no CHECK bounds in the catalog read here: unchanged columns are taken
      // as the spec declares them, so the DDL shows only what the column diff found.
      migration: renderTableChange(h.name, { columns: asLive(table, h), primaryKey: h.primaryKey }, h),
    };
  });
  metrics.sort((x, y) => ORDER[x.category] - ORDER[y.category]);
  return { metrics, breaking: metrics.some((m) => m.category === "breaking") };
}

function asLive(table: readonly ManifestMetric["columns"][number][], h: ManifestMetric) {
  const spec = new Map(h.columns.map((c) => [c.name, c]));
  return table.map((c) => {
    const s = spec.get(c.name);
    return s && s.type === c.type && s.nullable === c.nullable ? s : c;
  });
}

function columnsAgainst(
  table: readonly ManifestMetric["columns"][number][],
  h: ManifestMetric,
): ColumnChange[] {
  const live = new Map(table.map((c) => [c.name, c]));
  const out: ColumnChange[] = [];
  for (const a of h.columns) {
    const b = live.get(a.name);
    if (!b) out.push({ change: "added", column: a.name, after: a });
    else if (b.type !== a.type || b.nullable !== a.nullable)
      out.push({ change: "retyped", column: a.name, before: b, after: a });
  }
  const names = new Set(h.columns.map((c) => c.name));
  for (const b of table) if (!names.has(b.name)) out.push({ change: "removed", column: b.name, before: b });
  return out;
}
