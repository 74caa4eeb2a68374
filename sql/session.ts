import type { Kysely } from "kysely";
import type { Settings } from "../runtime/config/index.ts";
import { prerequisiteError } from "../runtime/errors/index.ts";
import { openDatabase } from "../runtime/postgres/index.ts";
import { type OpenDbOptions, openDb } from "./connection.ts";
import type { Database } from "./database.ts";
import { explainDatabaseError } from "./errors.ts";
import { migrationStatus } from "./migrate.ts";

/** openDb options from the settings `databasePoolSize`, `databaseStatementTimeoutMs`, `databaseCaFile`. */
export const dbOptionsFrom = (s: Settings): OpenDbOptions => ({
  poolSize: s.databasePoolSize,
  statementTimeoutMs: s.databaseStatementTimeoutMs,
  ...(s.databaseCaFile === undefined ? {} : { caFile: s.databaseCaFile }),
});

/**
 * Runs `fn` with the results database of the settings (`databaseUrl`, else the local PostgreSQL,
 * started for the call if no other trends process runs it), then closes the pool and stops a
 * server it started. `requireMigrated` turns "relation does not exist" into a message with the fix.
 */
export async function withResultsDb<T>(
  settings: Settings,
  fn: (db: Kysely<Database>) => Promise<T>,
  o: { requireMigrated?: boolean } = {},
): Promise<T> {
  const handle = await openDatabase(settings);
  const db = openDb(handle.url, dbOptionsFrom(settings));
  try {
    if (o.requireMigrated) {
      const pending = (await migrationStatus(db)).filter((m) => m.appliedAt === undefined);
      if (pending.length > 0) {
        throw prerequisiteError(
          `the results database is not up to date (${pending.length} pending migration(s): ${pending.map((m) => m.name).join(", ")})`,
          "run `trends db migrate`",
        );
      }
    }
    return await fn(db);
  } catch (e) {
    throw explainDatabaseError(e, handle.url);
  } finally {
    await db.destroy();
    await handle.release();
  }
}
