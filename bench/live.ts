/**
 * Live mode: post-to-provisional-alert latency and the live application's CPU at a steady rate.
 *
 *   npx tsx bench/live.ts [--minutes 3] [--refresh 1m]
 *
 * Starts PostgreSQL and the live application (local[2], as `trends schedule --live` does) on a
 * directory in Firehose's layout, with a calm baseline stored for the 12 windows before now (15,000
 * posts a window: 1,000 a minute, so the calm phase raises no volume alert). Then,
 * on the wall clock, each phase writes one object per second of events created "now" into the
 * current arrival hour (the directory sink's default flush):
 *  1. 1,000 events/min for `minutes`: the application's average CPU (every process of its group);
 *  2. a crisis (30,000 events/min, 30 times the calm rate the baseline holds): the time from its
 *     first post at the sink to the provisional volume alert row in PostgreSQL;
 *  3. 10,000 events/min for `minutes`: average CPU.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { jdbcFromDatabaseUrl } from "../emr/index.ts";
import { runLive } from "../emr/live/index.ts";
import { loadConfig } from "../runtime/config/index.ts";
import { createDatabase, startLocalPostgres } from "../runtime/postgres/index.ts";
import { ensureSpark } from "../runtime/spark/index.ts";
import { hourPrefix, parseDuration } from "../runtime/windows/index.ts";
import { migrateToLatest, openDb } from "../sql/index.ts";
import { eventLine, seededSentiment, writeObject } from "../test/emr/scheduler-support.ts";
import { groupCpuSeconds } from "./cpu.ts";

const { values: opts } = parseArgs({
  options: { minutes: { type: "string", default: "3" }, refresh: { type: "string", default: "1m" } },
});
const MINUTES = Number(opts.minutes);
const REFRESH_S = parseDuration(opts.refresh, "--refresh") / 1000;
const WINDOW_MS = 15 * 60_000;
let seq = 0;
/** One second of `perMinute` events created now (scored, in `acme`), one object at the sink. */
function writeSecond(raw: string, perMinute: number, score: number, tag: string): void {
  const now = new Date();
  const n = Math.round(perMinute / 60);
  const lines = Array.from({ length: n }, () => eventLine(`${tag}-${seq++}`, now, score));
  writeObject(raw, hourPrefix(now), `bench-${now.getTime()}-${tag}`, lines);
}

async function steady(raw: string, perMinute: number, pgid: number, tag: string): Promise<number> {
  const cpu0 = groupCpuSeconds(pgid);
  const t0 = performance.now();
  for (let s = 0; s < MINUTES * 60; s++) {
    writeSecond(raw, perMinute, 0.5, tag);
    await sleep(1000);
  }
  return (groupCpuSeconds(pgid) - cpu0) / ((performance.now() - t0) / 1000);
}

const s = loadConfig({ env: process.env });
const spark = await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome });
const dir = mkdtempSync(join(tmpdir(), "trends-bench-live-"));
// Its own directory: as root, startLocalPostgres hands it to the postgres user.
const pgDir = mkdtempSync(join(tmpdir(), "trends-bench-live-pg-"));
const pg = await startLocalPostgres({ dataDir: pgDir });
const stop = new AbortController();
let live: Promise<void> | undefined;
try {
  const url = await createDatabase(pg.url, "bench_live");
  const db = openDb(url);
  await migrateToLatest(db);
  const current = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS;
  const before = Array.from({ length: 12 }, (_, k) => new Date(current - (12 - k) * WINDOW_MS));
  const calm = seededSentiment(before, ["*", "acme"]).map((r) => ({ ...r, n_tweets: 15_000 }));
  await db.insertInto("sentiment_window").values(calm).execute();
  const raw = join(dir, "raw");
  const jdbc = jdbcFromDatabaseUrl(url);
  let pgid = 0;
  let started: () => void = () => {};
  const up = new Promise<void>((r) => {
    started = r;
  });
  live = runLive({
    spark,
    master: "local[2]",
    input: raw,
    checkpoint: join(dir, "checkpoint"),
    jdbcUrl: jdbc.jdbcUrl,
    jdbcUser: jdbc.user,
    jdbcPassword: jdbc.password,
    windowMinutes: 15,
    latenessMinutes: 10,
    refreshSeconds: REFRESH_S,
    signal: stop.signal,
    onStart: (c) => {
      pgid = c.pid!;
    },
    onLine: (l) => {
      if (l.includes("TRENDS_LIVE_STARTED")) started();
      // The application's own lines (refreshes and their phases), timed: where a refresh spends.
      if (l.startsWith("live: ")) console.error(`${new Date().toISOString().slice(11, 19)} ${l}`);
    },
  });
  await up;
  console.log(`live application up (refresh ${REFRESH_S} s); ${MINUTES} min per steady phase`);
  const cpu1k = await steady(raw, 1000, pgid, "calm");
  console.log(`1,000 events/min: ${cpu1k.toFixed(3)} cores on average`);

  const first = Date.now();
  let alertAt: number | undefined;
  while (alertAt === undefined && Date.now() - first < 600_000) {
    writeSecond(raw, 30_000, -0.6, "crisis");
    const { rows } = await sql<{ n: string }>`select count(*) as n from live_alert
      where kind = 'volume_alert' and topic = 'acme' and state = 'provisional'`.execute(db);
    if (Number(rows[0]!.n) > 0) alertAt = Date.now();
    else await sleep(1000);
  }
  console.log(
    alertAt === undefined
      ? "no provisional volume alert within 10 minutes"
      : `first crisis post at the sink → provisional volume alert row: ${((alertAt - first) / 1000).toFixed(1)} s`,
  );
  const cpu10k = await steady(raw, 10_000, pgid, "busy");
  console.log(`10,000 events/min: ${cpu10k.toFixed(3)} cores on average`);
  await db.destroy();
} finally {
  stop.abort();
  await live;
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(pgDir, { recursive: true, force: true });
}
