import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { messageOf } from "../../runtime/errors/index.ts";
import { isSpecCases, type SpecCases } from "../spec/cases.ts";
import { definedSpecs, isDraft, specSource } from "../spec/define.ts";
import type { JobSettings, MetricSpec } from "../spec/kinds.ts";

const KINDS = new Set<string>(["aggregate", "influencer", "alert", "metric"]);

const isMetricSpec = (v: unknown): v is MetricSpec =>
  typeof v === "object" && v !== null && KINDS.has((v as { kind?: unknown }).kind as string);
const isJobSettings = (v: unknown): v is JobSettings =>
  typeof v === "object" && v !== null && "windowMinutes" in v && !("kind" in v);

/** The spec modules of a folder: its `.ts` files but the index (which loads them) and tests, by name. */
export const specModules = (dir: string): string[] =>
  readdirSync(dir)
    .filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts") && !n.endsWith(".d.ts") && n !== "index.ts")
    .sort()
    .map((n) => join(dir, n));

export interface ImportedSpecs {
  readonly jobs: readonly JobSettings[];
  /** Exported, not drafts, once each. */
  readonly metrics: readonly MetricSpec[];
  /** Specs defined in these modules that no export reaches (and are not drafts). */
  readonly unreached: readonly MetricSpec[];
  /** The test cases the modules carry (`define.cases`), in file order. */
  readonly cases: readonly SpecCases[];
  readonly failures: readonly { readonly file: string; readonly error: unknown }[];
}

/** Imports every module; a module that throws is a failure of that file, not of the load. */
export async function importSpecs(files: readonly string[]): Promise<ImportedSpecs> {
  const jobs = new Set<JobSettings>();
  const metrics = new Set<MetricSpec>();
  const cases = new Set<SpecCases>();
  const failures: { file: string; error: unknown }[] = [];
  for (const file of files) {
    try {
      const exports: Record<string, unknown> = await import(pathToFileURL(file).href);
      for (const v of Object.values(exports)) {
        if (isJobSettings(v)) jobs.add(v);
        else if (isMetricSpec(v) && !isDraft(v)) metrics.add(v);
        else if (isSpecCases(v)) cases.add(v);
      }
    } catch (error) {
      failures.push({ file, error });
    }
  }
  const sources = new Set(files.map((f) => specSource(pathToFileURL(f).href)));
  const unreached = definedSpecs().filter((s) => sources.has(s.source) && !isDraft(s) && !metrics.has(s));
  return { jobs: [...jobs], metrics: [...metrics], unreached, cases: [...cases], failures };
}

/** The line of an import failure in its own file when the error names it, else 1. */
export function failureLine(file: string, error: unknown): number {
  const text = `${messageOf(error)}\n${error instanceof Error ? (error.stack ?? "") : ""}`;
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`${escaped}:(\\d+)`).exec(text);
  return m ? Number(m[1]) : 1;
}
