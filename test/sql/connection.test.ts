import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { isTrendsError } from "../../runtime/errors/index.ts";
import { freePort } from "../../runtime/proc.ts";
import { explainDatabaseError, openDb } from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";

const failure = async (f: () => Promise<unknown>): Promise<unknown> => {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error("expected a failure");
};

describe("openDb against the real server", () => {
  it("applies the statement timeout server-side, and explains it", async () => {
    const url = await freshDatabase("conn");
    const db = openDb(url, { statementTimeoutMs: 100 });
    try {
      const e = await failure(() => sql`select pg_sleep(2)`.execute(db));
      expect(e).toMatchObject({ code: "57014" });
      const explained = explainDatabaseError(e, url);
      expect(isTrendsError(explained)).toBe(true);
      expect((explained as Error).message).toMatch(
        /^a query on postgres:\/\/trends@127\.0\.0\.1:\d+\/conn_\w+ was cancelled/,
      );
      // The pool is still usable after a cancelled statement.
      expect((await sql<{ n: number }>`select 1::bigint as n`.execute(db)).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it("sslmode=require against a server without TLS fails with the fix, password redacted", async () => {
    const u = new URL(await freshDatabase("conn_tls"));
    u.password = "hunter2";
    u.searchParams.set("sslmode", "require");
    const db = openDb(u.toString());
    try {
      const e = explainDatabaseError(await failure(() => sql`select 1`.execute(db)), u.toString());
      expect(isTrendsError(e)).toBe(true);
      expect((e as Error).message).toContain("does not accept TLS");
      expect((e as Error).message).toContain(":***@");
      expect((e as Error).message).not.toContain("hunter2");
    } finally {
      await db.destroy();
    }
  });

  it("sslmode=prefer (and none) falls back to plain TCP on a server without TLS, as libpq does", async () => {
    const url = await freshDatabase("conn_prefer");
    for (const u of [`${url}?sslmode=prefer`, url]) {
      const db = openDb(u);
      try {
        expect(
          (await sql<{ ssl: boolean }>`select ssl from pg_stat_ssl where pid = pg_backend_pid()`.execute(db))
            .rows,
        ).toEqual([{ ssl: false }]);
      } finally {
        await db.destroy();
      }
    }
  });

  it("a connect error hides a password given as ?password= (pg honours it)", async () => {
    const port = await freePort();
    const url = `postgres://trends@127.0.0.1:${port}/x?sslmode=disable&password=hunter2&application_name=t`;
    const db = openDb(url);
    try {
      const e = explainDatabaseError(await failure(() => sql`select 1`.execute(db)), url);
      expect(isTrendsError(e)).toBe(true);
      expect((e as Error).message).toContain(
        `cannot connect to the results database postgres://trends@127.0.0.1:${port}/x?sslmode=disable&password=***&application_name=t`,
      );
      expect((e as Error).message).not.toContain("hunter2");
    } finally {
      await db.destroy();
    }
  });
});
