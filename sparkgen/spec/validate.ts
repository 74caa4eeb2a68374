/**
 * What the types cannot catch. Every problem names the spec file, the field and the fix, and
 * fails generation before anything is written.
 */
import { usageError } from "../../runtime/errors/index.ts";
import { identifierProblem } from "../print/dialect.ts";
import { alertProblems } from "./alert-kind.ts";
import type { JobSpec, MetricSpec } from "./kinds.ts";
import type { MetricMeasure } from "./metric-kind.ts";
import { generalMetricProblems, MAX_DEPTH_CAP, weightProblems } from "./validate-metric.ts";
import { enumerationProblems } from "./validate-values.ts";

export interface SpecProblem {
  readonly source: string;
  readonly field: string;
  readonly problem: string;
  readonly fix: string;
}

const RESERVED_COLUMNS = new Set(["window_start", "window_end", "topic", "computed_at"]);

function metricProblems(m: MetricSpec, job: JobSpec, seen: readonly string[]): SpecProblem[] {
  const out: SpecProblem[] = [];
  const add = (field: string, problem: string, fix: string) =>
    out.push({ source: m.source, field, problem, fix });
  const positiveInt = (field: string, v: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(v) || v < 1 || v > max)
      add(field, `is ${v}`, `use a whole number from 1 to ${max}`);
  };
  const bad = identifierProblem(m.name);
  if (bad) add("name", bad, "name the metric in lower_snake_case, at most 63 characters");
  switch (m.kind) {
    case "aggregate":
      if (Object.keys(m.measures).length === 0) add("measures", "is empty", "declare at least one measure");
      for (const name of Object.keys(m.measures)) {
        const p = identifierProblem(name);
        if (p) add(`measures.${name}`, p, "rename the measure in lower_snake_case");
        if (RESERVED_COLUMNS.has(name))
          add(`measures.${name}`, "is a key column of every result", "rename the measure");
        // Their per-record columns are added by the metric kind's stages only.
        const x = m.measures[name]!;
        if ("once" in x || "depth" in x)
          add(
            `measures.${name}`,
            `is ${"once" in x ? "a sum over distinct entities" : "a reference depth"}, a measure of the metric kind`,
            "declare the metric with define.metric",
          );
      }
      break;
    case "metric":
      generalMetricProblems(m, job, RESERVED_COLUMNS, add);
      if (m.where) enumerationProblems("where", m.where.node, add);
      break;
    case "influencer": {
      const w = Object.entries(m.weights);
      for (const [k, v] of w)
        if (weightProblems([v]).outside !== undefined)
          add(`weights.${k}`, `is ${v}`, "use a weight between 0 and 1");
      const { sum } = weightProblems(w.map(([, v]) => v));
      if (sum !== undefined)
        add("weights", `sum to ${sum}, not 1`, "adjust the weights so that they sum to 1");
      positiveInt("depthCap", m.depthCap, MAX_DEPTH_CAP);
      positiveInt("topN", m.topN, 10_000);
      break;
    }
    case "alert":
      for (const p of alertProblems(m, seen))
        add(p.field, p.problem, p.fix.replace("the job's", `${job.source}`));
      for (const name of Object.keys(m.columns)) {
        const p = identifierProblem(name);
        if (p) add(`columns.${name}`, p, "rename the column in lower_snake_case");
      }
      break;
  }
  if (m.kind === "aggregate" || m.kind === "metric")
    for (const [name, x] of Object.entries<MetricMeasure>(m.measures))
      if (x.kind === "measure") enumerationProblems(`measures.${name}`, x.node, add);
  return out;
}

/** Every problem of a job and its metrics, in declaration order. */
export function specProblems(job: JobSpec): SpecProblem[] {
  const out: SpecProblem[] = [];
  const add = (field: string, problem: string, fix: string) =>
    out.push({ source: job.source, field, problem, fix });
  if (!Number.isInteger(job.windowMinutes) || job.windowMinutes < 1 || 1440 % job.windowMinutes !== 0)
    add(
      "windowMinutes",
      `is ${job.windowMinutes}, which does not divide a day`,
      "use a divisor of 1440 such as 5, 15, 30 or 60",
    );
  const jobName = identifierProblem(job.name);
  if (jobName) add("name", jobName, "name the job in lower_snake_case");
  if (!job.topics.all || job.topics.all.length > 200)
    add("topics.all", `is ${JSON.stringify(job.topics.all)}`, 'use a short tag such as "*"');
  if (job.metrics.length === 0) add("metrics", "is empty", "list at least one metric");
  const seen: string[] = [];
  for (const m of job.metrics) {
    if (seen.includes(m.name))
      out.push({
        source: m.source,
        field: "name",
        problem: `"${m.name}" is used by two metrics of ${job.source}`,
        fix: "give each metric its own name",
      });
    out.push(...metricProblems(m, job, seen));
    seen.push(m.name);
  }
  return out;
}

/** Throws a usage error naming the first problem (and how many more there are). */
export function assertValidJob(job: JobSpec): void {
  const problems = specProblems(job);
  const first = problems[0];
  if (!first) return;
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
  throw usageError(`${first.source}: ${first.field} ${first.problem}${more}`, first.fix);
}
