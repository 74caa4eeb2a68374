/**
 * The generated migrations on disk: `sql/migrations/generated/schema.json` (the spec-derived
 * schema after each migration), one module per generated migration and their index. A spec change
 * appends a step (named with the next free migration number, after the hand-written ones too);
 * every generated module is re-printed from the steps around it, so `--check` catches hand edits.
 * Steps not yet committed (not in git's HEAD) are replaced, not appended to: an experiment that
 * adds a metric and removes it again leaves no create-and-drop pair behind.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { usageError } from "../../runtime/errors/index.ts";
import type { CompiledJob } from "../compile/index.ts";
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
export function schemaDrift(model: CompiledJob, root: string): SchemaChange[] {
  return schemaChanges(lastTables(readHistory(root)), schemaOf(model));
}

/** The `--check` line of one uncovered change: the spec file, the column, the fix. */
export const driftLine = (c: SchemaChange): string =>
  `${c.source}: ${c.what} is in no migration — run \`npx trends sparkgen\` and commit the new migration`;

/** The highest migration number in use: hand-written files and the kept generated steps. */
function lastNumber(root: string, h: SchemaHistory): number {
  const dir = join(root, MIGRATIONS_DIR);
  const names = [...(existsSync(dir) ? readdirSync(dir) : []), ...h.steps.map((s) => s.migration)];
  return Math.max(0, ...names.map((n) => /^(\d{4})_/.exec(n)).map((m) => (m ? Number(m[1]) : 0)));
}

/** `path` as git's HEAD holds it; undefined outside a repository or when HEAD lacks it. */
function atHead(root: string, path: string): string | undefined {
  try {
    return execFileSync("git", ["show", `HEAD:${path}`], { cwd: root, encoding: "utf8", stdio: "pipe" });
  } catch {
    return undefined;
  }
}

/**
 * The history without its trailing steps that HEAD does not have. Outside a repository (a test's
 * temporary folder) every step counts as committed.
 */
export function committedHistory(root: string): SchemaHistory {
  const h = readHistory(root);
  const head = atHead(root, SCHEMA_HISTORY);
  if (head === undefined) return h;
  const committed = new Set((JSON.parse(head) as SchemaHistory).steps.map((s) => s.migration));
  let keep = h.steps.length;
  while (keep > 1 && !committed.has(h.steps[keep - 1]!.migration)) keep--;
  return { version: 1, steps: h.steps.slice(0, keep) };
}

/** Generated migration files on disk that HEAD does not have: a regeneration may delete them. */
export const uncommittedMigration = (root: string, path: string): boolean =>
  path.startsWith(`${GENERATED_MIGRATIONS_DIR}/`) && atHead(root, path) === undefined;

/** The committed history with a new step when the specs differ from its last one. */
export function nextHistory(model: CompiledJob, root: string): SchemaHistory {
  const h = committedHistory(root);
  const from = lastTables(h);
  const to = schemaOf(model);
  if (schemaChanges(from, to).length === 0) return h;
  const step: SchemaStep = {
    migration: migrationName(lastNumber(root, h) + 1, from, to),
    generated: true,
    tables: to,
  };
  return { version: 1, steps: [...h.steps, step] };
}

/** The history file, every generated migration module and their index. */
export function migrationFiles(model: CompiledJob, root: string): { path: string; text: string }[] {
  const h = nextHistory(model, root);
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
