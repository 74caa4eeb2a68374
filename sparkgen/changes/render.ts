/**
 * A change report as Markdown (pasted into a pull request as it is: headings, lists, fenced DDL and
 * commands) or as JSON for CI bots. Lines go through the CLI's terminal-safe writer.
 */
import type { ManifestDiff, MetricChange } from "./diff.ts";
import { type ColumnLineage, lineageLine } from "./lineage.ts";
import type { Manifest } from "./manifest.ts";
import type { Recompute } from "./recompute.ts";

export interface ChangeReport {
  /** What the working tree was compared with: `HEAD`, a ref, or `database`. */
  readonly base: string;
  readonly diff: ManifestDiff;
  readonly head: Manifest;
  /** Metrics whose stored windows must be recomputed (the breaking ones still in the job). */
  readonly recomputeMetrics: readonly string[];
  /** Undefined when no database was given. */
  readonly recompute: Recompute | undefined;
  readonly commands: readonly string[];
}

const iso = (d: Date) => d.toISOString().replace(".000Z", "Z");

function lineageOf(head: Manifest, p: MetricChange): string[] {
  const m = head.metrics.find((x) => x.name === p.name);
  if (!m) return [];
  // The columns whose values change (breaking) or that are new (non-breaking; all of a new metric).
  const fresh = p.category === "non-breaking" && p.columns.length === 0;
  const names =
    p.category === "breaking"
      ? p.affected
      : fresh
        ? m.columns.map((c) => c.name)
        : p.columns.filter((c) => c.change !== "removed").map((c) => c.column);
  return names
    .filter((c) => m.lineage[c])
    .map((c) => `  - \`${lineageLine(m.name, c, m.lineage[c] as ColumnLineage)}\``);
}

function metricSection(head: Manifest, p: MetricChange): string[] {
  const out = [`### ${p.name} (${p.kind}): ${p.category}`, ""];
  for (const r of p.reasons)
    out.push(
      `- ${r.field ? `**${r.role}** ` : `**${r.role}**: `}${r.field ? r.text.replace(r.field, `\`${r.field}\``) : r.text}`,
    );
  if (p.category === "breaking") {
    const values =
      p.affected.length > 0 ? `values change: ${p.affected.join(", ")}` : "no column's formula changed";
    out.push(
      `- Columns: ${values}${p.rowsChanged ? "; the stored rows change too (a filter or the top-N cut)" : ""}`,
    );
  }
  const lineage = lineageOf(head, p);
  if (lineage.length > 0) out.push("- Lineage:", ...lineage);
  if (p.migration.length > 0)
    // One output line per DDL line: a terminal writer neutralises a newline inside a line.
    out.push("", "```sql", ...p.migration.flatMap((s) => (s.endsWith(";") ? s : `${s};`).split("\n")), "```");
  else if (p.category !== "unchanged") out.push("- Migration: none (same columns)");
  out.push("");
  return out;
}

export function renderMarkdown(r: ChangeReport): string[] {
  const changed = r.diff.metrics.filter((m) => m.category !== "unchanged");
  const out = [`## trends sparkgen plan: ${r.base} → working tree`, ""];
  const count = (c: string) => changed.filter((m) => m.category === c).map((m) => m.name);
  const summary = (["breaking", "results-equal", "non-breaking", "metadata"] as const)
    .map((c) => [c, count(c)] as const)
    .filter(([, n]) => n.length > 0)
    .map(([c, n]) => `**${c}**: ${n.join(", ")}`);
  out.push(summary.length > 0 ? summary.join(" · ") : "No metric changed.", "");
  for (const p of changed) out.push(...metricSection(r.head, p));
  out.push("### Recompute", "");
  if (r.recomputeMetrics.length === 0) {
    out.push("Nothing to recompute: no change is breaking.");
    return out;
  }
  const rc = r.recompute;
  if (!rc) {
    out.push("No database given: pass `--database URL` to list the stored windows to recompute.");
    return out;
  }
  if (rc.windows.length === 0)
    out.push(`No stored window ran another SQL for ${r.recomputeMetrics.join(", ")}.`);
  else {
    out.push(
      `${rc.windows.length} window(s) last ran another SQL for ${r.recomputeMetrics.join(", ")} ` +
        "(recomputing a window also rewrites the alerts of the windows whose baseline it is):",
      "",
      "| window start | window end | stale metrics |",
      "|---|---|---|",
      ...rc.windows.map((w) => `| ${iso(w.start)} | ${iso(w.end)} | ${w.metrics.join(", ")} |`),
      "",
      "```sh",
      ...r.commands,
      "```",
    );
  }
  if (rc.unrecorded.length > 0) {
    out.push(
      "",
      `${rc.unrecorded.length} window(s) from ${iso(rc.unrecorded[0]!.start)} to ${iso(rc.unrecorded.at(-1)!.end)} ran ` +
        "before pipeline_run recorded SQL hashes: what they ran is unknown (recompute them with `trends run` if they predate the change).",
    );
  }
  return out;
}

export function changeReportJson(r: ChangeReport): unknown {
  return {
    base: r.base,
    breaking: r.diff.breaking,
    metrics: r.diff.metrics.map((p) => ({
      name: p.name,
      kind: p.kind,
      category: p.category,
      reasons: p.reasons,
      columns: p.columns,
      affected: p.affected,
      rows_changed: p.rowsChanged,
      migration: p.migration,
    })),
    recompute: r.recompute
      ? {
          metrics: r.recomputeMetrics,
          windows: r.recompute.windows.map((w) => ({
            start: iso(w.start),
            end: iso(w.end),
            metrics: w.metrics,
          })),
          unrecorded: r.recompute.unrecorded.map((w) => ({ start: iso(w.start), end: iso(w.end) })),
          commands: r.commands,
        }
      : null,
  };
}
