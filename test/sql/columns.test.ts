import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, migrateToLatest, openDb, RESULT_COLUMNS } from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";

interface Migrated {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: "YES" | "NO";
}

/**
 * One source of truth for columns: the migrated schema must equal the contract constant that the
 * Kysely `Database` type is checked against at compile time (sql/columns.ts). A difference fails
 * naming the table and column.
 */
describe("result-table columns", () => {
  let db: Kysely<Database>;
  beforeAll(async () => {
    db = openDb(await freshDatabase("columns"));
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it("migrated columns, types and nullability equal the contract", async () => {
    const tables = Object.keys(RESULT_COLUMNS);
    const { rows } = await sql<Migrated>`
      select table_name, column_name, data_type, is_nullable from information_schema.columns
      where table_schema = 'public' and table_name = any(${tables})`.execute(db);
    const migrated = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const diffs: string[] = [];
    for (const [table, columns] of Object.entries(RESULT_COLUMNS)) {
      for (const [column, spec] of Object.entries(columns)) {
        const m = migrated.get(`${table}.${column}`);
        if (m === undefined) {
          diffs.push(`${table}.${column}: in the contract, not migrated`);
          continue;
        }
        migrated.delete(`${table}.${column}`);
        if (m.data_type !== spec.type)
          diffs.push(`${table}.${column}: migrated ${m.data_type}, contract ${spec.type}`);
        if ((m.is_nullable === "YES") !== spec.nullable)
          diffs.push(
            `${table}.${column}: migrated ${m.is_nullable === "YES" ? "null" : "not null"}, contract the opposite`,
          );
      }
    }
    for (const key of migrated.keys()) diffs.push(`${key}: migrated, not in the contract`);
    expect(diffs).toEqual([]);
    expect(rows.length).toBe(58);
  });
});
