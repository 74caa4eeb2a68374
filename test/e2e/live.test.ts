import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jdbcFromDatabaseUrl, LocalStepRunner, type ProcessDeps, runRange } from "../../emr/index.ts";
import { runLive } from "../../emr/live/index.ts";
import { inputSource } from "../../emr/scheduler/index.ts";
import { type Database, METRIC_TABLES } from "../../sql/index.ts";
import {
  migratedDb,
  type TestDb,
  tableRows,
  windowEvents,
  windowOf,
  writeObject,
} from "../emr/scheduler-support.ts";
import { sparkInstall } from "../support/services.ts";

/*
 * Live mode end to end (docs/contracts.md, "Live windows"): eight calm windows (20 posts each) are
 * final; then a burst in W = 10:00 is delivered in two parts, as a fast replay would. The live
 * application must store W's provisional rows and a provisional volume alert while W is still
 * open (no final run of W yet); the final run of W must confirm it and leave no provisional row;
 * at the end every result table equals a batch-only run of the same files.
 */
const DAY = "2026-11-24";
const BASELINE = ["08:00", "08:15", "08:30", "08:45", "09:00", "09:15", "09:30", "09:45"].map((t) =>
  windowOf(`${DAY}T${t}:00Z`),
);
const W = windowOf(`${DAY}T10:00:00Z`);
const AFTER = [windowOf(`${DAY}T10:15:00Z`), windowOf(`${DAY}T10:30:00Z`)];
// Spark-submits on a loaded 2-core machine (test/sparkgen/support.ts: up to 900 s each).
const TIMEOUT = 3_600_000;
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

let root: string;
let live: TestDb;
let batch: TestDb;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "trends-live-"));
  for (const [k, w] of BASELINE.entries())
    writeObject(join(root, "raw"), hourOf(w.start), `calm-${k}`, windowEvents(w, `b${k}`, 20, 0.5));
  [live, batch] = await Promise.all([migratedDb("live_e2e"), migratedDb("live_e2e_batch")]);
});

afterAll(async () => {
  await Promise.all([live?.db.destroy(), batch?.db.destroy()]);
  if (root) rmSync(root, { recursive: true, force: true });
}, TIMEOUT);

function deps(t: TestDb): ProcessDeps {
  const jdbc = jdbcFromDatabaseUrl(t.url);
  return {
    db: t.db,
    runner: new LocalStepRunner({ spark: sparkInstall(), master: "local[2]", jdbcUser: jdbc.user }),
    input: inputSource(join(root, "raw")),
    jdbcUrl: jdbc.jdbcUrl,
    windowMinutes: 15,
    latenessMinutes: 10,
    maxAttempts: 1,
    retryDelayMs: 10,
    owner: "test:live",
    rangeWindows: 96,
  };
}

async function finals(t: TestDb, from: Date, to: Date) {
  const outcomes = await runRange(deps(t), from, to, new Date(`${DAY}T23:00:00Z`));
  expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => "succeeded"));
}

async function until<T>(what: string, read: () => Promise<T | undefined>, lines: string[]): Promise<T> {
  const deadline = Date.now() + 900_000;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}:\n${lines.slice(-60).join("\n")}`);
    await sleep(500);
  }
}

const liveAlerts = (db: Kysely<Database>) =>
  sql<{ kind: string; topic: string; state: string; severity: string; rate_scale: number }>`
    select kind, topic, state, severity, rate_scale from live_alert
    where window_start = ${W.start} order by kind, topic`
    .execute(db)
    .then((r) => r.rows);

const count = (db: Kysely<Database>, query: ReturnType<typeof sql<{ n: string }>>) =>
  query.execute(db).then((r) => Number(r.rows[0]!.n));

describe("e2e: live windows", () => {
  it(
    "shows the provisional volume alert before W closes, the final after; the finals equal a batch-only run",
    async () => {
      await finals(live, BASELINE[0]!.start, W.start);
      const jdbc = jdbcFromDatabaseUrl(live.url);
      const stop = new AbortController();
      const lines: string[] = [];
      const supervised = runLive({
        spark: sparkInstall(),
        master: "local[2]",
        input: join(root, "raw"),
        checkpoint: join(root, "checkpoint"),
        jdbcUrl: jdbc.jdbcUrl,
        jdbcUser: jdbc.user,
        jdbcPassword: jdbc.password,
        windowMinutes: 15,
        latenessMinutes: 10,
        refreshSeconds: 2,
        signal: stop.signal,
        onLine: (l) => lines.push(l),
      });
      try {
        // The burst's first three minutes: 120 posts, 20 times the calm rate.
        writeObject(join(root, "raw"), hourOf(W.start), "burst-1", burst(W, "w1", 120, 0, 1500, -0.6));
        const provisional = await until(
          "a provisional volume alert of W",
          async () => {
            const rows = await liveAlerts(live.db);
            return rows.some((r) => r.kind === "volume_alert" && r.state === "provisional")
              ? rows
              : undefined;
          },
          lines,
        );
        expect(provisional.find((r) => r.kind === "volume_alert" && r.topic === "acme")).toMatchObject({
          state: "provisional",
          severity: "critical",
        });
        // W is still open: not final, and its provisional rows are readable
        expect(
          await count(live.db, sql`select count(*) as n from pipeline_run where window_start = ${W.start}`),
        ).toBe(0);
        expect(
          await count(
            live.db,
            sql`select count(*) as n from provisional_row where metric = 'sentiment_window' and window_start = ${W.start}`,
          ),
        ).toBe(2);
        expect(
          await count(live.db, sql`select count(*) as n from volume_alert where window_start = ${W.start}`),
        ).toBe(0);

        // The rest of W, and the next windows (their events move the event clock past W's lateness).
        writeObject(join(root, "raw"), hourOf(W.start), "burst-2", burst(W, "w2", 60, 180_000, 12_000, -0.6));
        for (const [k, w] of AFTER.entries())
          writeObject(join(root, "raw"), hourOf(w.start), `after-${k}`, windowEvents(w, `a${k}`, 20, 0.5));
        await until(
          "provisional rows of the window after W",
          async () =>
            (await count(
              live.db,
              sql`select count(*) as n from provisional_row where window_start = ${AFTER[1]!.start}`,
            )) > 0
              ? true
              : undefined,
          lines,
        );
        await finals(live, W.start, W.end);
        expect(await liveAlerts(live.db)).toContainEqual(
          expect.objectContaining({ kind: "volume_alert", topic: "acme", state: "confirmed" }),
        );
        expect(
          await count(
            live.db,
            sql`select count(*) as n from provisional_row where window_start = ${W.start}`,
          ),
        ).toBe(0);
        expect(
          await count(live.db, sql`select count(*) as n from volume_alert where window_start = ${W.start}`),
        ).toBeGreaterThan(0);
        await finals(live, AFTER[0]!.start, AFTER[1]!.end);
      } finally {
        stop.abort();
        await supervised;
      }
      expect(await count(live.db, sql`select count(*) as n from provisional_row`)).toBe(0);
      expect(
        await count(live.db, sql`select count(*) as n from live_alert where state = 'provisional'`),
      ).toBe(0);

      await finals(batch, BASELINE[0]!.start, AFTER[1]!.end);
      for (const table of METRIC_TABLES)
        expect(await tableRows(live.db, table), table).toEqual(await tableRows(batch.db, table));
    },
    TIMEOUT,
  );
});
