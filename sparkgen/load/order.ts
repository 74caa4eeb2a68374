import type { MetricSpec } from "../spec/kinds.ts";

/** The metrics a spec reads (an alert reads its baseline's metric). */
const reads = (m: MetricSpec): readonly string[] => (m.kind === "alert" ? [m.baseline.metric.name] : []);

/**
 * A stable topological order: each metric after the metrics it reads, ties by name, so the
 * generated files do not depend on file-system order. A read of a metric outside `metrics` is
 * left to validation; a cycle (not expressible today) keeps its members in name order at the end.
 */
export function dependencyOrder(metrics: readonly MetricSpec[]): MetricSpec[] {
  const byName = (a: MetricSpec, b: MetricSpec) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const pending = [...metrics].sort(byName);
  const names = new Set(pending.map((m) => m.name));
  const done = new Set<string>();
  const out: MetricSpec[] = [];
  for (;;) {
    const next = pending.find((m) => reads(m).every((r) => done.has(r) || !names.has(r)));
    if (!next) break;
    out.push(next);
    done.add(next.name);
    pending.splice(pending.indexOf(next), 1);
  }
  return [...out, ...pending];
}
