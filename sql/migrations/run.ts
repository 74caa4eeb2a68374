import { type Kysely, sql } from "kysely";

/**
 * Runs static DDL one statement at a time. The Migrator wraps all pending migrations in one
 * transaction (PostgreSQL has transactional DDL), so a failure rolls every statement back.
 */
export async function runStatements(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
