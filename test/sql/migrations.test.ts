import type { Kysely } from "kysely";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, migrateToLatest, migrationStatus, openDb, VIEW_NAMES } from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";

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
    expect(status.map((m) => [m.name, m.appliedAt])).toEqual([
      ["0001_result_tables", undefined],
      ["0002_query_indexes", undefined],
      ["0003_bi_views", undefined],
    ]);
  });

  it("apply from empty, then migrate again is a no-op", async () => {
    expect(await migrateToLatest(db)).toEqual(["0001_result_tables", "0002_query_indexes", "0003_bi_views"]);
    expect(await migrateToLatest(db)).toEqual([]);
    const status = await migrationStatus(db);
    expect(status.every((m) => m.appliedAt instanceof Date)).toBe(true);
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' order by table_name`.execute(db);
    expect(rows.map((r) => r.name)).toEqual(
      [
        "influencer_window",
        "pipeline_run",
        "sentiment_alert",
        "sentiment_window",
        "trends_migration",
        "trends_migration_lock",
        ...VIEW_NAMES.slice().sort(),
        "word_window",
      ].sort(),
    );
  });
});
