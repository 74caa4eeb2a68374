import { type Kysely, sql } from "kysely";
import { ExitCode, TrendsError, usageError } from "../runtime/errors/index.ts";
import { RESULT_COLUMNS } from "./columns.ts";
import type { Database } from "./database.ts";
import { LIVE_TABLES, VIEW_NAMES } from "./migrations/index.ts";
import { SCRAM_PATTERN, scramVerifier } from "./scram.ts";

export interface ReadonlyRoleOptions {
  /** Lower-case letters, digits and `_`, starting with a letter or `_`; not `pg_…`. */
  role: string;
  /**
   * A password makes it a LOGIN role (for the dashboard or a BI tool); without one it is a
   * NOLOGIN group role to GRANT to existing users. Only its SCRAM verifier is sent to the server.
   */
  password?: string;
}

export interface ReadonlyRoleResult {
  role: string;
  created: boolean;
  login: boolean;
  /** Tables and views granted SELECT on. */
  granted: string[];
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `"name"`, doubling embedded quotes (names read back from the server may hold anything). */
const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Creates (or updates) a read-only role: CONNECT on the database, USAGE on `public`, SELECT on the
 * result tables and BI views, and `default_transaction_read_only` on. Idempotent; run it again
 * after a migration adds tables. Needs CREATEROLE (the RDS master user has it).
 */
export async function grantReadonly(
  db: Kysely<Database>,
  o: ReadonlyRoleOptions,
): Promise<ReadonlyRoleResult> {
  if (!ROLE_NAME.test(o.role) || o.role.startsWith("pg_")) {
    throw usageError(
      `role name ${JSON.stringify(o.role)} is not allowed`,
      "use lower-case letters, digits and _ (not starting with pg_), e.g. trends_readonly",
    );
  }
  if (o.password !== undefined && o.password.length < 8) {
    throw usageError(
      "the read-only role's password is shorter than 8 characters",
      "choose a longer password",
    );
  }
  const verifier = o.password === undefined ? undefined : scramVerifier(o.password);
  // Defence in depth: the verifier is the only value spliced into DDL (CREATE ROLE takes no parameters).
  if (verifier !== undefined && !SCRAM_PATTERN.test(verifier)) throw new Error("malformed SCRAM verifier");
  const relations = [...Object.keys(RESULT_COLUMNS), ...VIEW_NAMES, ...LIVE_TABLES];
  const role = ident(o.role);
  const auth = verifier === undefined ? "nologin" : `login password '${verifier}'`;
  try {
    return await db.transaction().execute(async (trx) => {
      const exists = await sql<{ n: number }>`select 1 as n from pg_roles where rolname = ${o.role}`.execute(
        trx,
      );
      const created = exists.rows.length === 0;
      await sql.raw(`${created ? "create" : "alter"} role ${role} ${auth}`).execute(trx);
      const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(trx);
      await sql.raw(`grant connect on database ${ident(rows[0]!.name)} to ${role}`).execute(trx);
      await sql.raw(`grant usage on schema public to ${role}`).execute(trx);
      await sql.raw(`grant select on ${relations.map(ident).join(", ")} to ${role}`).execute(trx);
      await sql.raw(`alter role ${role} set default_transaction_read_only = on`).execute(trx);
      return { role: o.role, created, login: verifier !== undefined, granted: relations };
    });
  } catch (e) {
    if ((e as { code?: string }).code === "42501") {
      throw new TrendsError(`not allowed to create or grant role ${o.role}: ${(e as Error).message}`, {
        exitCode: ExitCode.Prerequisite,
        fix: "run it as the database owner or a user with CREATEROLE (the RDS master user)",
      });
    }
    throw e;
  }
}

/**
 * The result tables the connected role can change (INSERT, UPDATE, DELETE or TRUNCATE), and the
 * role's name. The dashboard warns when this is not empty: it needs SELECT only. Tables not yet
 * created are left out.
 */
export async function writableResultTables(
  db: Kysely<Database>,
): Promise<{ role: string; tables: string[] }> {
  const names = Object.keys(RESULT_COLUMNS);
  const { rows } = await sql<{ role: string; tables: string[] | null }>`
    select current_user::text as role,
      array_agg(t.name order by t.name) filter (
        where to_regclass(quote_ident(t.name)) is not null
          and has_table_privilege(to_regclass(quote_ident(t.name)), 'INSERT, UPDATE, DELETE, TRUNCATE')
      ) as tables
    from unnest(${names}::text[]) as t(name)`.execute(db);
  return { role: rows[0]!.role, tables: rows[0]!.tables ?? [] };
}
