import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resultTables } from "../../sparkgen/index.ts";
import { windowJob } from "../../sparkgen/specs/index.ts";
import {
  type Database,
  METRIC_TABLES,
  migrateToLatest,
  openDb,
  RESULT_COLUMNS,
  RESULT_TABLES,
} from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";

interface Migrated {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: "YES" | "NO";
}

/**
 * One source of truth for columns: the migrated schema must equal the contract constant that the
 * Kysely `Database` type is checked against at compile time (sql/columns.ts), and the columns the
 * sparkgen specs write (`resultTables()` of sparkgen/index.ts). A difference fails naming the
 * table and column.
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
    expect(rows.length).toBe(Object.values(RESULT_COLUMNS).reduce((n, c) => n + Object.keys(c).length, 0));
  });

  it("the sparkgen specs write exactly the migrated columns and keys (computed_at is the database's)", async () => {
    const specs = resultTables(windowJob);
    expect(Object.keys(specs).sort()).toEqual([...METRIC_TABLES].sort());
    const { rows } = await sql<Migrated & { column_default: string | null }>`
      select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
      where table_schema = 'public' and table_name = any(${[...METRIC_TABLES]})`.execute(db);
    const migrated = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const diffs: string[] = [];
    for (const [table, spec] of Object.entries(specs)) {
      for (const c of spec.columns) {
        const key = `${table}.${c.name}`;
        const m = migrated.get(key);
        migrated.delete(key);
        const type = c.type === "timestamptz" ? "timestamp with time zone" : c.type;
        if (m === undefined) diffs.push(`${key}: written by spec ${spec.source}, not migrated`);
        else {
          if (m.data_type !== type) diffs.push(`${key}: migrated ${m.data_type}, spec writes ${type}`);
          if ((m.is_nullable === "YES") !== c.nullable)
            diffs.push(
              `${key}: migrated ${m.is_nullable === "YES" ? "null" : "not null"}, spec the opposite`,
            );
        }
      }
      const { rows: pk } = await sql<{ column: string }>`
        select a.attname as column from pg_index i
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = ${table}::regclass and i.indisprimary
        order by array_position(i.indkey::int2[], a.attnum)`.execute(db);
      if (pk.map((r) => r.column).join(",") !== spec.primaryKey.join(","))
        diffs.push(
          `${table}: primary key (${pk.map((r) => r.column).join(", ")}), spec (${spec.primaryKey.join(", ")})`,
        );
    }
    for (const [key, m] of migrated) {
      if (!(m.column_name === "computed_at" && m.column_default === "now()"))
        diffs.push(`${key}: migrated, no spec writes it`);
    }
    expect(diffs).toEqual([]);
  });

  it("every CHECK the generated contract states exists on the migrated table, under its name", async () => {
    const { rows } = await sql<{ table: string; name: string; def: string }>`
      select c.conrelid::regclass::text as table, c.conname as name, pg_get_constraintdef(c.oid) as def
      from pg_constraint c where c.contype = 'c' and c.conrelid::regclass::text = any(${[...METRIC_TABLES]})`.execute(
      db,
    );
    const migrated = new Map(rows.map((r) => [r.name, r]));
    const missing = Object.entries(RESULT_TABLES).flatMap(([table, t]) =>
      Object.keys(t.checks)
        .filter((name) => migrated.get(name)?.table !== table)
        .map((name) => `${table}: CHECK ${name} (${t.checks[name as keyof typeof t.checks]}) not migrated`),
    );
    expect(missing).toEqual([]);
    // Spot check that a name carries the spec's bound: depth ≤ the influencer spec's depthCap (8).
    expect(migrated.get("influencer_window_depth")?.def).toMatch(/depth >= 0\) AND \(depth <= 8/);
  });
});
