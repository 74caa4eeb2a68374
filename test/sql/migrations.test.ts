import type { Kysely } from "kysely";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Database,
  LIVE_TABLES,
  METRIC_TABLES,
  MIGRATIONS,
  migrateToLatest,
  migrationStatus,
  openDb,
  VIEW_NAMES,
} from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";

describe("a failing migration", () => {
  it("leaves the database as it was, and the error names the migration", async () => {
    const db = openDb(await freshDatabase("migr_fail"));
    try {
      const broken = {
        ...MIGRATIONS,
        "0099_broken": {
          up: async (trx: Kysely<unknown>) => {
            await sql`create table half_done (x int)`.execute(trx);
            await sql`select 1 / 0`.execute(trx);
          },
        },
      };
      await expect(migrateToLatest(db, broken)).rejects.toMatchObject({
        message: expect.stringMatching(
          /^database migration 0099_broken failed, nothing was applied: division by zero/,
        ),
      });
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from information_schema.tables
        where table_schema = 'public' and table_name not like 'trends_migration%'`.execute(db);
      expect(rows[0]!.n).toBe(0);
      expect((await migrationStatus(db)).filter((m) => m.appliedAt !== undefined)).toEqual([]);
      expect(await migrateToLatest(db)).toHaveLength(Object.keys(MIGRATIONS).length);
    } finally {
      await db.destroy();
    }
  });
});

describe("sql migrations", () => {
  let db: Kysely<Database>;
  beforeAll(async () => {
    db = openDb(await freshDatabase("migr"));
  });
  afterAll(async () => {
    await db.destroy();
  });

  it("report everything pending on an empty database", async () => {
    const status = await migrationStatus(db);
    // Every migration, hand-written and generated from the specs, in name order, none applied yet.
    expect(status.map((m) => [m.name, m.appliedAt])).toEqual(
      Object.keys(MIGRATIONS)
        .sort()
        .map((n) => [n, undefined]),
    );
  });

  it("apply from empty, then migrate again is a no-op", async () => {
    expect(await migrateToLatest(db)).toEqual(Object.keys(MIGRATIONS).sort());
    expect(await migrateToLatest(db)).toEqual([]);
    const status = await migrationStatus(db);
    expect(status.every((m) => m.appliedAt instanceof Date)).toBe(true);
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' order by table_name`.execute(db);
    expect(rows.map((r) => r.name)).toEqual(
      [
        ...METRIC_TABLES,
        "pipeline_run",
        "trends_migration",
        "trends_migration_lock",
        ...VIEW_NAMES,
        ...LIVE_TABLES,
      ].sort(),
    );
  });
});
