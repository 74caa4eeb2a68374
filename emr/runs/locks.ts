import { sql } from "kysely";
import type { Window } from "../../runtime/windows/index.ts";
import type { RunsDb } from "./records.ts";

/**
 * Exclusion through PostgreSQL session advisory locks
 * (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS); why advisory
 * locks rather than a lease column: emr/scheduler/README.md, "One window". (A machine that
 * vanishes without closing TCP is noticed after the server's `tcp_keepalives_*` settings; RDS
 * defaults to a few minutes.)
 *
 * Keys use the two-int4 form: a namespace for this tool, then the window start in epoch minutes
 * (fits int4 until the year 6053), or 0 for the scheduler's own lock.
 */
const WINDOW_SPACE = 0x74726e64; // "trnd"
const SCHEDULER_SPACE = 0x74726e73; // "trns"

export interface LockKey {
  readonly space: number;
  readonly id: number;
}

export const windowLockKey = (w: Window): LockKey => ({
  space: WINDOW_SPACE,
  id: Math.floor(w.start.getTime() / 60_000),
});
export const schedulerLockKey: LockKey = { space: SCHEDULER_SPACE, id: 0 };

/** Whether this session acquired the lock (and `fn`'s value), or another session holds it. */
export type LockResult<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

/**
 * Runs `fn` while holding the advisory lock `key` on a connection checked out for that purpose;
 * returns `{ acquired: false }` at once when another session holds it. `fn` gets a `held()` probe
 * that says whether the lock is still held (false once its connection has died).
 */
export async function withLock<T>(
  db: RunsDb,
  key: LockKey,
  fn: (held: () => Promise<boolean>) => Promise<T>,
): Promise<LockResult<T>> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{
      ok: boolean;
    }>`select pg_try_advisory_lock(${key.space}::int4, ${key.id}::int4) as ok`.execute(conn);
    if (rows[0]?.ok !== true) return { acquired: false } as const;
    try {
      return { acquired: true, value: await fn(() => holds(conn, key)) } as const;
    } finally {
      // A dead connection has released it already; nothing to undo then.
      await sql`select pg_advisory_unlock(${key.space}::int4, ${key.id}::int4)`.execute(conn).catch(() => {});
    }
  });
}

async function holds(conn: RunsDb, key: LockKey): Promise<boolean> {
  try {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_locks
      where locktype = 'advisory' and pid = pg_backend_pid() and granted
        and database = (select oid from pg_database where datname = current_database())
        and classid = ${key.space}::int4::oid and objid = ${key.id}::int4::oid and objsubid = 2`.execute(
      conn,
    );
    return (rows[0]?.n ?? 0) > 0;
  } catch {
    return false;
  }
}

/**
 * Whether any session holds `key` in this database right now (for status displays and tests).
 * Advisory locks are per database; pg_locks lists every database's.
 */
export async function isLocked(db: RunsDb, key: LockKey): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_locks
    where locktype = 'advisory' and granted
      and database = (select oid from pg_database where datname = current_database())
      and classid = ${key.space}::int4::oid and objid = ${key.id}::int4::oid and objsubid = 2`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * Like `withLock` for several keys on one connection (a range step holds every window it runs):
 * takes them in order and stops at the first one another session holds, so `fn` gets the number
 * of leading keys held (at least 1; `{ acquired: false }` when not even the first is free).
 */
export async function withLocks<T>(
  db: RunsDb,
  keys: readonly LockKey[],
  fn: (held: number) => Promise<T>,
): Promise<LockResult<T>> {
  return db.connection().execute(async (conn) => {
    let held = 0;
    try {
      for (const key of keys) {
        const { rows } = await sql<{
          ok: boolean;
        }>`select pg_try_advisory_lock(${key.space}::int4, ${key.id}::int4) as ok`.execute(conn);
        if (rows[0]?.ok !== true) break;
        held++;
      }
      if (held === 0) return { acquired: false } as const;
      return { acquired: true, value: await fn(held) } as const;
    } finally {
      for (const key of keys.slice(0, held)) {
        await sql`select pg_advisory_unlock(${key.space}::int4, ${key.id}::int4)`
          .execute(conn)
          .catch(() => {});
      }
    }
  });
}
