/** Where a change report's base comes from: the manifest committed at a git ref, or the live database. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { prerequisiteError, usageError } from "../../runtime/errors/index.ts";
import { migrationStatus } from "../../sql/index.ts";
import type { OutputColumn } from "../compile/index.ts";
import { MANIFEST, REPO_ROOT } from "../generate.ts";
import type { SqlHashes } from "./hash.ts";
import type { Manifest } from "./manifest.ts";
import { parseManifest } from "./parse.ts";
import type { SucceededRun } from "./recompute.ts";

const git = (args: string[], root: string): string =>
  execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** The manifest `trends sparkgen` committed at `ref` (`git show REF:sparkgen/generated/manifest.json`). */
export function manifestAtRef(ref: string, root: string = REPO_ROOT): Manifest {
  // A ref starting with "-" would be read as an option by git.
  if (!ref || ref.startsWith("-") || /[\s\0]/.test(ref))
    throw usageError(
      `--base ${JSON.stringify(ref)} is not a git ref`,
      "pass a branch, tag or commit, e.g. --base main",
    );
  try {
    git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], root);
  } catch {
    throw usageError(
      `--base ${JSON.stringify(ref)} is not a commit of this repository`,
      "pass a branch, tag or commit (`git log --oneline`)",
    );
  }
  let text: string;
  try {
    text = git(["show", `${ref}:${MANIFEST}`], root);
  } catch {
    throw usageError(
      `${ref} has no ${MANIFEST} (committed before \`trends sparkgen plan\` existed)`,
      "pass a later --base, or compare with the live database (--database URL)",
    );
  }
  const parsed = parseManifest(text);
  if ("why" in parsed)
    throw usageError(
      `${ref}:${MANIFEST} ${parsed.why}`,
      "pass a --base whose manifest `trends sparkgen` wrote, or compare with the live database (--database URL)",
    );
  return parsed.manifest;
}

/** The manifest committed in this checkout (what the runners' plan was generated with). */
export function committedManifest(root: string = REPO_ROOT): Manifest {
  const path = join(root, MANIFEST);
  if (!existsSync(path)) throw prerequisiteError(`${MANIFEST} does not exist`, "run `npx trends sparkgen`");
  const parsed = parseManifest(readFileSync(path, "utf8"));
  if ("why" in parsed) throw prerequisiteError(`${MANIFEST} ${parsed.why}`, "run `npx trends sparkgen`");
  return parsed.manifest;
}

/** The live database as a change report reads it. */
export interface LiveState {
  /** Applied migrations, by name. */
  readonly migrations: readonly string[];
  /** Columns of each public table, in order (computed_at left out: the table's own). */
  readonly tables: ReadonlyMap<string, readonly OutputColumn[]>;
  /** Each window's newest succeeded run. */
  readonly runs: readonly SucceededRun[];
}

const TYPES: Record<string, OutputColumn["type"]> = {
  "timestamp with time zone": "timestamptz",
  text: "text",
  bigint: "bigint",
  integer: "integer",
  "double precision": "double precision",
  boolean: "boolean",
};

// biome-ignore lint/suspicious/noExplicitAny: the change report reads catalogs and pipeline_run only, whatever the Database type
type AnyDb = Kysely<any>;

export async function readLiveState(db: AnyDb): Promise<LiveState> {
  const migrations = (await migrationStatus(db)).filter((m) => m.appliedAt).map((m) => m.name);
  const cols = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>`
    select table_name, column_name, data_type, is_nullable from information_schema.columns
    where table_schema = current_schema() and column_name <> 'computed_at'
    order by table_name, ordinal_position`.execute(db);
  const tables = new Map<string, OutputColumn[]>();
  for (const c of cols.rows) {
    const list = tables.get(c.table_name) ?? [];
    list.push({
      name: c.column_name,
      type: TYPES[c.data_type] ?? (c.data_type as OutputColumn["type"]),
      nullable: c.is_nullable === "YES",
    });
    tables.set(c.table_name, list);
  }
  const run = tables.get("pipeline_run");
  const runs = run
    ? await succeededRuns(
        db,
        run.some((c) => c.name === "sql_hashes"),
      )
    : [];
  return { migrations, tables, runs };
}

/** Each window's newest succeeded run with the SQL hashes it recorded. */
export async function succeededRuns(db: AnyDb, recorded = true): Promise<SucceededRun[]> {
  // Before migration 0008 no run recorded its SQL.
  const hashes = recorded ? sql.ref("sql_hashes") : sql`null::jsonb`;
  const { rows } = await sql<{ window_start: Date; window_end: Date; sql_hashes: SqlHashes | null }>`
    select distinct on (window_start) window_start, window_end, ${hashes} as sql_hashes
    from pipeline_run where status = 'succeeded'
    order by window_start, attempt desc`.execute(db);
  return rows.map((r) => ({ windowStart: r.window_start, windowEnd: r.window_end, sqlHashes: r.sql_hashes }));
}
