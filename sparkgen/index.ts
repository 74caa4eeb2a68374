/**
 * sparkgen: typed metric specs → Spark SQL and the plan the static PySpark step runtime runs.
 * Other stages import only this file.
 *
 * @example
 *   import { generate, resultTables } from "../sparkgen/index.ts";
 *   const job = await loadJob();                    // the specs of sparkgen/specs/
 *   const files = generate(job);                    // [{ path, text }, …]
 *   resultTables(job).sentiment_window.columns;        // [{ name: "window_start", type: "timestamptz", nullable: false }, …]
 */
import { compileJob, type OutputColumn } from "./compile/index.ts";
import type { JobSpec } from "./spec/kinds.ts";

export {
  type CompiledJob,
  compileJob,
  type OutputColumn,
  type ResultShape,
  resultShape,
} from "./compile/index.ts";
export {
  GENERATED_DIR,
  type GeneratedFile,
  generate,
  MANIFEST,
  REPO_ROOT,
  STEP_ENTRY,
  STEP_ENTRY_PATH,
  STEP_RUNTIME_DIR,
  staleFiles,
  WINDOW_JOB_PLAN,
  WINDOW_JOB_PLAN_PATH,
  writeGenerated,
} from "./generate.ts";
export {
  type LoadedSpecs,
  loadJob,
  loadSpecs,
  problemLine,
  SPECS_DIR,
  type SpecFileProblem,
} from "./load/index.ts";
export { CONSTANTS_JSON, CONSTANTS_TS, constantsOf } from "./print/constants.ts";
export { checksOf, diffSchemas, type SchemaChange, type SchemaTable, schemaOf } from "./print/ddl.ts";
export { catalogOf, KYSELY_TABLES } from "./print/kysely.ts";
export {
  driftLine,
  GENERATED_MIGRATIONS_DIR,
  nextHistory,
  readHistory,
  SCHEMA_HISTORY,
  schemaDrift,
  uncommittedMigration,
} from "./print/migrations.ts";
export * from "./schema/index.ts";
export * from "./spec/index.ts";

export interface ResultTable {
  readonly name: string;
  readonly source: string;
  readonly columns: readonly OutputColumn[];
  readonly primaryKey: readonly string[];
}

/** The result tables a job writes, by name: columns (name, PostgreSQL type, nullability) and key. */
export function resultTables(job: JobSpec): Readonly<Record<string, ResultTable>> {
  return Object.fromEntries(
    compileJob(job).metrics.map(({ spec, columns, key }) => [
      spec.name,
      { name: spec.name, source: spec.source, columns, primaryKey: key },
    ]),
  );
}
export { CONSTANTS } from "./generated/constants.ts";
export { SPARK_3_5, SPARK_4_0, type SparkDialect, TARGETS } from "./print/dialect.ts";
