import { type Kysely, type Migration, type MigrationResult, Migrator } from "kysely";
import { TrendsError } from "../runtime/errors/index.ts";
import type { Database } from "./database.ts";
import { MIGRATIONS } from "./migrations/index.ts";

/** Kysely's bookkeeping tables, named for this tool so they stand out next to the results. */
const MIGRATION_TABLE = "trends_migration";
const MIGRATION_LOCK_TABLE = "trends_migration_lock";

const migrator = (db: Kysely<Database>, migrations: Record<string, Migration> = MIGRATIONS): Migrator =>
  new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });

export interface MigrationState {
  name: string;
  /** When it was applied; undefined while pending. */
  appliedAt: Date | undefined;
}

/**
 * Applies every pending migration, all in one transaction under Kysely's migration lock: a failure
 * leaves the database as it was, and concurrent callers wait for each other. Returns the names
 * applied now (empty when up to date).
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  /** The shipped migrations unless given (tests pass a broken list). */
  migrations: Record<string, Migration> = MIGRATIONS,
): Promise<string[]> {
  const { error, results } = await migrator(db, migrations).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r: MigrationResult) => r.status === "Error")?.migrationName;
    throw new TrendsError(
      `database migration ${failed ?? "(setup)"} failed, nothing was applied: ${(error as Error).message ?? String(error)}`,
      { cause: error, fix: "fix the cause above and run `trends db migrate` again" },
    );
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Every known migration, oldest first, with when it was applied. */
export async function migrationStatus(db: Kysely<Database>): Promise<MigrationState[]> {
  const infos = await migrator(db).getMigrations();
  return infos.map((m) => ({ name: m.name, appliedAt: m.executedAt }));
}
