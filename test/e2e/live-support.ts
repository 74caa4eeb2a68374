import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Kysely, sql } from "kysely";
import { expect } from "vitest";
import { jdbcFromDatabaseUrl, LocalStepRunner, type ProcessDeps, runRange } from "../../emr/index.ts";
import { runLive } from "../../emr/live/index.ts";
import { inputSource } from "../../emr/scheduler/index.ts";
import type { Database } from "../../sql/index.ts";
import { type TestDb, windowEvents, windowOf, writeObject } from "../emr/scheduler-support.ts";
import { sparkInstall } from "../support/services.ts";

/** The live tests' data: eight calm windows (20 posts each), then a burst in W, then two more windows. */
export const DAY = "2026-11-24";
export const BASELINE = ["08:00", "08:15", "08:30", "08:45", "09:00", "09:15", "09:30", "09:45"].map((t) =>
  windowOf(`${DAY}T${t}:00Z`),
);
export const W = windowOf(`${DAY}T10:00:00Z`);
export const AFTER = [windowOf(`${DAY}T10:15:00Z`), windowOf(`${DAY}T10:30:00Z`)];
// Spark-submits on a loaded 2-core machine (test/sparkgen/support.ts: up to 900 s each).
export const TIMEOUT = 3_600_000;
const hourOf = (d: Date) => `${DAY.replaceAll("-", "/")}/${d.toISOString().slice(11, 13)}/`;

/** `n` events of `w`, `gapMs` apart from `offsetMs` after its start. */
const burst = (w: typeof W, tag: string, n: number, offsetMs: number, gapMs: number, score: number) =>
  windowEvents(w, tag, n, score).map((line, k) => {
    const e = JSON.parse(line);
    const t = new Date(w.start.getTime() + offsetMs + k * gapMs);
    e.created_at = t.toISOString();
    e.ingested_at = new Date(t.getTime() + 2000).toISOString();
    return JSON.stringify(e);
  });

const raw = (root: string) => join(root, "raw");

export function writeBaseline(root: string): void {
  for (const [k, w] of BASELINE.entries())
    writeObject(raw(root), hourOf(w.start), `calm-${k}`, windowEvents(w, `b${k}`, 20, 0.5));
}

/** The burst's first three minutes: 120 posts, 20 times the calm rate. */
export const writeBurstStart = (root: string) =>
  writeObject(raw(root), hourOf(W.start), "burst-1", burst(W, "w1", 120, 0, 1500, -0.6));

/** The rest of W: 60 posts over its last 12 minutes. */
export const writeBurstRest = (root: string) =>
  writeObject(raw(root), hourOf(W.start), "burst-2", burst(W, "w2", 60, 180_000, 12_000, -0.6));

/** The next windows: their events move the event clock past W's lateness. */
export function writeAfter(root: string): void {
  for (const [k, w] of AFTER.entries())
    writeObject(raw(root), hourOf(w.start), `after-${k}`, windowEvents(w, `a${k}`, 20, 0.5));
}

/** The final runs of [from, to): today's path (runRange, local runner), each window succeeded. */
export async function finals(root: string, t: TestDb, from: Date, to: Date): Promise<void> {
  const jdbc = jdbcFromDatabaseUrl(t.url);
  const deps: ProcessDeps = {
    db: t.db,
    runner: new LocalStepRunner({ spark: sparkInstall(), master: "local[2]", jdbcUser: jdbc.user }),
    input: inputSource(raw(root)),
    jdbcUrl: jdbc.jdbcUrl,
    windowMinutes: 15,
    latenessMinutes: 10,
    maxAttempts: 1,
    retryDelayMs: 10,
    owner: "test:live",
    rangeWindows: 96,
  };
  const outcomes = await runRange(deps, from, to, new Date(`${DAY}T23:00:00Z`));
  expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => "succeeded"));
}

/** The supervised live application on `t`, refreshing every 2 s; `lines` collects its output. */
export function startLive(
  root: string,
  t: TestDb,
  signal: AbortSignal,
  lines: string[],
  onStart?: (child: ChildProcess) => void,
): Promise<void> {
  const jdbc = jdbcFromDatabaseUrl(t.url);
  return runLive({
    spark: sparkInstall(),
    master: "local[2]",
    input: raw(root),
    checkpoint: join(root, "checkpoint"),
    jdbcUrl: jdbc.jdbcUrl,
    jdbcUser: jdbc.user,
    jdbcPassword: jdbc.password,
    windowMinutes: 15,
    latenessMinutes: 10,
    refreshSeconds: 2,
    signal,
    onLine: (l) => lines.push(l),
    onStart,
    firstDelayMs: 500,
  });
}

/** Polls `read` until it gives a value; on timeout fails with the application's last lines. */
export async function until<T>(
  what: string,
  read: () => Promise<T | undefined>,
  lines: string[],
): Promise<T> {
  const deadline = Date.now() + 900_000;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}:\n${lines.slice(-60).join("\n")}`);
    await sleep(500);
  }
}

export const liveAlertsOfW = (db: Kysely<Database>) =>
  sql<{ kind: string; topic: string; state: string; severity: string }>`
    select kind, topic, state, severity from live_alert
    where window_start = ${W.start} order by kind, topic`
    .execute(db)
    .then((r) => r.rows);

export const count = (db: Kysely<Database>, query: ReturnType<typeof sql<{ n: string }>>) =>
  query.execute(db).then((r) => Number(r.rows[0]!.n));

/** W's provisional volume alert was confirmed by its final commit. */
export const expectConfirmed = async (db: Kysely<Database>) =>
  expect(await liveAlertsOfW(db)).toContainEqual(
    expect.objectContaining({ kind: "volume_alert", topic: "acme", state: "confirmed" }),
  );
