/**
 * The generated migrations on disk: `sql/migrations/generated/schema.json` (the spec-derived
 * schema after each migration), one module per generated migration and their index. A spec change
 * appends a step (named with the next free migration number, after the hand-written ones too);
 * every generated module is re-printed from the steps around it, so `--check` catches hand edits.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { usageError } from "../../runtime/errors/index.ts";
import type { JobSpec } from "../spec/kinds.ts";
import {
  migrationName,
  plainColumn,
  printHistory,
  printMigration,
  printMigrationIndex,
  type SchemaChange,
  type SchemaHistory,
  type SchemaStep,
  type SchemaTable,
  schemaChanges,
  schemaOf,
} from "./ddl.ts";

export const MIGRATIONS_DIR = "sql/migrations";
export const GENERATED_MIGRATIONS_DIR = `${MIGRATIONS_DIR}/generated`;
export const SCHEMA_HISTORY = `${GENERATED_MIGRATIONS_DIR}/schema.json`;

/** The committed history; a missing or malformed file is a usage error naming it. */
export function readHistory(root: string): SchemaHistory {
  const path = join(root, SCHEMA_HISTORY);
  if (!existsSync(path))
    throw usageError(
      `${SCHEMA_HISTORY} is missing: it records the result schema the migrations built`,
      "restore it from git (git checkout -- sql/migrations/generated/schema.json)",
    );
  let parsed: SchemaHistory;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as SchemaHistory;
  } catch (e) {
    throw usageError(`${SCHEMA_HISTORY} is not valid JSON: ${(e as Error).message}`, "restore it from git");
  }
  if (parsed.version !== 1 || !Array.isArray(parsed.steps) || parsed.steps.length === 0)
    throw usageError(`${SCHEMA_HISTORY} has no steps or an unknown version`, "restore it from git");
  return {
    version: 1,
    steps: parsed.steps.map((s) => ({
      migration: s.migration,
      generated: s.generated,
      tables: s.tables.map((t: SchemaTable) => ({ ...t, columns: t.columns.map(plainColumn) })),
    })),
  };
}

const lastTables = (h: SchemaHistory): readonly SchemaTable[] => h.steps.at(-1)!.tables;

/** What the specs change that no migration covers yet (empty when the migrations are current). */
export function schemaDrift(job: JobSpec, root: string): SchemaChange[] {
  return schemaChanges(lastTables(readHistory(root)), schemaOf(job));
}

/** The `--check` line of one uncovered change: the spec file, the column, the fix. */
export const driftLine = (c: SchemaChange): string =>
  `${c.source}: ${c.what} is in no migration — run \`npx trends sparkgen\` and commit the new migration`;

/** The highest migration number in use: hand-written files and generated steps. */
function lastNumber(root: string, h: SchemaHistory): number {
  const dir = join(root, MIGRATIONS_DIR);
  const names = [
    ...(existsSync(dir) ? readdirSync(dir) : []),
    ...(existsSync(join(dir, "generated")) ? readdirSync(join(dir, "generated")) : []),
    ...h.steps.map((s) => s.migration),
  ];
  return Math.max(0, ...names.map((n) => /^(\d{4})_/.exec(n)).map((m) => (m ? Number(m[1]) : 0)));
}

/** The history with a new step when the specs differ from its last one. */
export function nextHistory(job: JobSpec, root: string): SchemaHistory {
  const h = readHistory(root);
  const from = lastTables(h);
  const to = schemaOf(job);
  if (schemaChanges(from, to).length === 0) return h;
  const step: SchemaStep = {
    migration: migrationName(lastNumber(root, h) + 1, from, to),
    generated: true,
    tables: to,
  };
  return { version: 1, steps: [...h.steps, step] };
}

/** The history file, every generated migration module and their index. */
export function migrationFiles(job: JobSpec, root: string): { path: string; text: string }[] {
  const h = nextHistory(job, root);
  const modules = h.steps.flatMap((s, i) =>
    s.generated
      ? [
          {
            path: `${GENERATED_MIGRATIONS_DIR}/${s.migration}.ts`,
            text: printMigration(h.steps[i - 1]!.tables, s.tables),
          },
        ]
      : [],
  );
  return [
    { path: SCHEMA_HISTORY, text: printHistory(h) },
    ...modules,
    { path: `${GENERATED_MIGRATIONS_DIR}/index.ts`, text: printMigrationIndex(h) },
  ];
}
