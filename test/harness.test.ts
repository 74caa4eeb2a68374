import { fileURLToPath } from "node:url";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { sparkSubmit } from "../runtime/spark/index.ts";
import { freshDatabase, sparkInstall } from "./support/services.ts";

interface SliceDb {
  slice_out: { author_id: string; tweets: string; followers: string; avg_score: number | null };
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe("harness: NDJSON → spark-submit → JDBC → PostgreSQL → Kysely", () => {
  it("writes the aggregate of the fixture and counts the bad line", async () => {
    const url = await freshDatabase("slice");
    const u = new URL(url);
    const jdbc = `jdbc:postgresql://${u.host}${u.pathname}`;
    const r = await sparkSubmit({
      spark: sparkInstall(),
      script: here("./harness/slice.py"),
      args: [here("./fixtures/slice/events.ndjson"), jdbc, "slice_out"],
      master: "local[2]",
      env: { PGUSER: u.username },
    });
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    expect(r.stdout).toContain("slice bad_records=1");

    const db = new Kysely<SliceDb>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
    });
    const rows = await db.selectFrom("slice_out").selectAll().orderBy("author_id").execute();
    await db.destroy();
    expect(rows.map((r) => ({ ...r, tweets: Number(r.tweets), followers: Number(r.followers) }))).toEqual([
      { author_id: "a", tweets: 2, followers: 11, avg_score: 0.5 },
      { author_id: "b", tweets: 1, followers: 20, avg_score: -0.5 },
    ]);
  });
});
