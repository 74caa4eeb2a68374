/**
 * The specs of a folder as a job: every spec module's exported specs but drafts, each after the
 * metrics it reads. Commands that need specs load them here, lazily, so a broken spec stops only
 * them (`trends --help`, `query`, `serve`, `ingest` never import a spec module).
 *
 * @example
 *   const { job, problems } = await loadSpecs();          // type-checked, imported, validated
 *   for (const p of problems) console.error(problemLine(p)); // sparkgen/specs/x.ts:12  rank.top: is 0; …
 */
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { messageOf, usageError } from "../../runtime/errors/index.ts";
import type { SpecCases } from "../spec/cases.ts";
import { specSource } from "../spec/define.ts";
import type { JobSpec } from "../spec/kinds.ts";
import { specProblems } from "../spec/validate.ts";
import { lineOfField } from "./locate.ts";
import { failureLine, importSpecs, specModules } from "./modules.ts";
import { dependencyOrder } from "./order.ts";
import { displayPath, problemLine, type SpecFileProblem } from "./problem.ts";
import { loadTypeScript, typeProblems } from "./typecheck.ts";

export { problemLine, type SpecFileProblem } from "./problem.ts";

/** The shipped specs' folder. */
export const SPECS_DIR = fileURLToPath(new URL("../specs/", import.meta.url));

export interface LoadedSpecs {
  /** Undefined when the folder declares no job (then `problems` says so). */
  readonly job: JobSpec | undefined;
  /** The test cases of the job's specs (`trends sparkgen test`). */
  readonly cases: readonly SpecCases[];
  /** Every problem, type errors first; empty when the job can be generated. */
  readonly problems: readonly SpecFileProblem[];
}

/**
 * Type-checks (unless `typecheck: false`), imports and validates every spec module of `dir`.
 * Never throws for a problem of a spec: each is one entry of `problems`, with its file and line.
 */
export async function loadSpecs(
  dir = SPECS_DIR,
  options: { typecheck?: boolean } = {},
): Promise<LoadedSpecs> {
  const files = specModules(dir);
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const typed = options.typecheck === false ? [] : await typeProblems(files, root);
  const syntax = new Set(typed.map((p) => p.file));
  const imported = await importSpecs(files);
  // A file tsc already faults usually fails to import for the same reason: said once.
  const failed = imported.failures
    .filter((f) => !syntax.has(displayPath(f.file)))
    .map((f) => ({
      file: displayPath(f.file),
      line: failureLine(f.file, f.error),
      field: "import",
      message: messageOf(f.error).split("\n")[0]!,
    }));
  const found: Found[] = imported.unreached.map((s) => ({
    source: s.source,
    field: "name",
    message: `${s.name} is in no job: export it from its module, or mark it \`draft: true\``,
  }));
  const [settings, ...more] = imported.jobs;
  for (const extra of more)
    found.push({ source: extra.source, field: "name", message: "a second job: one job per spec folder" });
  const job = settings && { ...settings, metrics: dependencyOrder(imported.metrics) };
  if (job)
    for (const p of specProblems(job))
      found.push({ source: p.source, field: p.field, message: `${p.problem}; ${p.fix}` });
  const inJob = new Set(job?.metrics.map((m) => m.name));
  for (const c of imported.cases)
    if (!inJob.has(c.spec))
      found.push({
        source: c.source,
        field: "cases",
        message: `cases of ${c.spec}, which is not in the job (a draft?)`,
      });
  const noJob = settings
    ? []
    : [{ file: displayPath(dir), line: 1, field: "job", message: "no module exports `define.job(…)`" }];
  return {
    job,
    cases: imported.cases,
    problems: [...typed, ...failed, ...(await located(found, files)), ...noJob],
  };
}

interface Found {
  readonly source: string;
  readonly field: string;
  readonly message: string;
}

/** Validation problems with the line of their field; the compiler is loaded only when there are some. */
async function located(found: readonly Found[], files: readonly string[]): Promise<SpecFileProblem[]> {
  if (found.length === 0) return [];
  const ts = await loadTypeScript().catch(() => undefined);
  const bySource = new Map(files.map((f) => [specSource(pathToFileURL(f).href), f]));
  return found.map(({ source, field, message }) => {
    const abs = bySource.get(source);
    if (!abs || !ts) return { file: abs ? displayPath(abs) : source, line: 1, field, message };
    const sf = ts.createSourceFile(abs, readFileSync(abs, "utf8"), ts.ScriptTarget.Latest, true);
    return { file: displayPath(abs), line: lineOfField(ts, sf, field), field, message };
  });
}

/**
 * The job of `dir`, imported and validated without the type check (tests, the dashboard): a
 * problem is a usage error naming the first one; `trends sparkgen --check` lists them all.
 */
export async function loadJob(dir = SPECS_DIR): Promise<JobSpec> {
  const { job, problems } = await loadSpecs(dir, { typecheck: false });
  const [first] = problems;
  if (!job || first)
    throw usageError(
      `${first ? problemLine(first) : "no job"}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`,
      "run `npx trends sparkgen --check` to see every problem of the specs",
    );
  return job;
}
