/**
 * spec → compiled model → transforms → printers: every generated file of a job, as (path, text)
 * pairs. The job is compiled once (`compileJob`); every file — the SQL, the step plan,
 * manifest.json, the tables module, schema.json and the constants — is printed from that one
 * model. Deterministic: the same specs give byte-identical files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { QueryNode } from "./ast/index.ts";
import { buildManifest } from "./changes/manifest.ts";
import { type CompiledJob, compileJob, referenceEdgesStatement } from "./compile/index.ts";
import { CONSTANTS_JSON, CONSTANTS_TS, printConstantsJson, printConstantsTs } from "./print/constants.ts";
import { type SparkDialect, sessionConf, TARGETS } from "./print/dialect.ts";
import { KYSELY_TABLES, printKyselyTables } from "./print/kysely.ts";
import { printManifest } from "./print/manifest.ts";
import { GENERATED_MIGRATIONS_DIR, migrationFiles } from "./print/migrations.ts";
import { printPlan } from "./print/plan.ts";
import { printSparkSql } from "./print/spark-sql.ts";
import { STEP_SESSION } from "./print/tuning.ts";
import type { JobSpec } from "./spec/kinds.ts";
import { assertValidJob } from "./spec/validate.ts";
import { lower } from "./transforms/index.ts";

/** A generated file: its path relative to the repository root, and its text. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

export const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
export const GENERATED_DIR = "sparkgen/generated";
/** Repository path of the window job's plan, which the static runtime runs. */
export const WINDOW_JOB_PLAN = `${GENERATED_DIR}/steps/window_job.json`;
/** Repository path of the job's manifest (spec fields, columns, SQL hashes, lineage) for `trends sparkgen plan`. */
export const MANIFEST = `${GENERATED_DIR}/manifest.json`;
/** Absolute path of the same file in this checkout. */
export const WINDOW_JOB_PLAN_PATH = join(REPO_ROOT, WINDOW_JOB_PLAN);
/** The static step runtime: the entry script and the `trends_step` package beside it. */
export const STEP_RUNTIME_DIR = "sparkgen/runtime";
/** The window step's entry script, in STEP_RUNTIME_DIR. */
export const STEP_ENTRY = "window_step.py";
export const STEP_ENTRY_PATH = join(REPO_ROOT, STEP_RUNTIME_DIR, STEP_ENTRY);

/** A `.sql` file as the plan names it (relative to `steps/`). */
const sqlFile = (name: string) => `../sql/${name}.sql`;

/**
 * Every generated file of `job` (`loadSpecs` of `sparkgen/load`), validated first, printed for
 * every Spark target. The first target's files are the shared ones; another target gets its own
 * copy under `generated/<target>/` only of the files whose text differs for it (today none: the
 * printed SQL is the 3.5 ∩ 4.0 intersection).
 */
export function generate(job: JobSpec, root = REPO_ROOT): GeneratedFile[] {
  assertValidJob(job);
  const model = compileJob(job);
  const [base, ...others] = TARGETS.map((t) => ({ target: t, files: generateFor(model, t) }));
  const shared = base!.files;
  const overrides = others.flatMap(({ target, files }) =>
    files
      .filter((f, i) => f.text !== shared[i]!.text)
      .map((f) => ({
        path: f.path.replace(`${GENERATED_DIR}/`, `${GENERATED_DIR}/${target.name}/`),
        text: f.text,
      })),
  );
  return [
    ...shared,
    ...overrides,
    // Target-independent: the result tables' migrations, Kysely types and the constants file.
    ...migrationFiles(model, root),
    { path: KYSELY_TABLES, text: printKyselyTables(model) },
    { path: CONSTANTS_JSON, text: printConstantsJson(model) },
    { path: CONSTANTS_TS, text: printConstantsTs(model) },
  ];
}

/**
 * One target's files: the SQL it prints and the plan with its session settings. The plan names its
 * SQL relative to itself, so a target whose plan differs also gets its own copy of every SQL file
 * that differs (none today).
 */
function generateFor(model: CompiledJob, target: SparkDialect): GeneratedFile[] {
  const { job } = model;
  const print = (part: string, query: QueryNode) =>
    printSparkSql(lower(query), { spec: `${job.name}.${part}`, target });
  // By statement name, in plan order: the two event statements, then every metric (its
  // reference-depth loop's edges first).
  const sql: Record<string, string> = {
    classify_events: print("classify_events", model.classify),
    window_events: print("window_events", model.windowEvents),
    ...Object.fromEntries(
      model.metrics.flatMap((m) => {
        const edges = referenceEdgesStatement(m.spec.name);
        return [
          ...(m.referenceDepth ? [[edges, print(edges, m.referenceDepth.edges)]] : []),
          [m.spec.name, print(m.spec.name, m.query)],
        ];
      }),
    ),
  };
  const plan = printPlan(model, sqlFile, { ...sessionConf(target), ...STEP_SESSION });
  return [
    ...Object.entries(sql).map(([name, text]) => ({ path: `${GENERATED_DIR}/sql/${name}.sql`, text })),
    { path: `${GENERATED_DIR}/steps/${job.name}.json`, text: plan },
    { path: MANIFEST, text: printManifest(buildManifest(model, sql)) },
  ];
}

/** Generated files on disk that differ from `files`, are missing, or are no longer generated. */
export function staleFiles(files: readonly GeneratedFile[], root = REPO_ROOT): string[] {
  const stale = files
    .filter((f) => !existsSync(join(root, f.path)) || readFileSync(join(root, f.path), "utf8") !== f.text)
    .map((f) => f.path);
  const wanted = new Set(files.map((f) => f.path));
  const dirs = [
    ...["sql", "steps", ...TARGETS.flatMap((t) => [`${t.name}/sql`, `${t.name}/steps`])].map(
      (sub) => `${GENERATED_DIR}/${sub}`,
    ),
    GENERATED_MIGRATIONS_DIR,
  ];
  for (const sub of dirs) {
    const dir = join(root, sub);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const path = `${sub}/${name}`;
      if (!wanted.has(path)) stale.push(path);
    }
  }
  return stale;
}

/** Writes the files that changed; returns their paths. Leftovers of removed metrics are reported, not deleted. */
export function writeGenerated(files: readonly GeneratedFile[], root = REPO_ROOT): string[] {
  const written: string[] = [];
  for (const f of files) {
    const abs = join(root, f.path);
    if (existsSync(abs) && readFileSync(abs, "utf8") === f.text) continue;
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, f.text);
    written.push(f.path);
  }
  return written;
}
