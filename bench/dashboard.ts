/**
 * The dashboard's JSON API end to end (HTTP → typed queries → PostgreSQL → JSON) on a month of
 * results: what one page refresh costs, and each endpoint's latency.
 *
 *   npx tsx bench/dashboard.ts [--days 30] [--requests 100]
 *
 * Seeds `days` of 15-minute windows for three topics with the full top-100 influencers and words
 * per window (2,880 windows → ~0.86M influencer and ~0.86M word rows for 30 days), then times
 * sequential requests for the last 24 h and 7 d of the range. Prints p50/p95 in ms.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { dataFromDb, startDashboard } from "../dashboard/index.ts";
import { createDatabase, startLocalPostgres } from "../runtime/postgres/index.ts";
import { migrateToLatest, openDb } from "../sql/index.ts";

const { values: opts } = parseArgs({
  options: { days: { type: "string", default: "30" }, requests: { type: "string", default: "100" } },
});
const DAYS = Number(opts.days);
const N = Number(opts.requests);
const END = Date.parse("2026-11-26T00:00:00Z");
const START = END - DAYS * 86_400_000;

const dataDir = mkdtempSync(join(tmpdir(), "trends-bench-dash-"));
const pg = await startLocalPostgres({ dataDir });
try {
  const url = await createDatabase(pg.url, "bench_dashboard");
  const db = openDb(url);
  await migrateToLatest(db);
  const t0 = performance.now();
  const windows = sql`generate_series(${new Date(START)}::timestamptz, ${new Date(END - 900_000)}::timestamptz, interval '15 minutes')`;
  const topics = sql`unnest(array['*', 'acme', 'globex'])`;
  await sql`insert into sentiment_window (window_start, window_end, topic, n_tweets, n_scored, avg_score, avg_magnitude, pos_share, neg_share)
    select w, w + interval '15 minutes', t, 500, 450, 0.3 * sin(extract(epoch from w) / 7200), 0.6, 0.4, 0.2
    from ${windows} w, ${topics} t`.execute(db);
  await sql`insert into sentiment_alert (window_start, window_end, topic, severity, avg_score, baseline_mean, baseline_sd, baseline_windows, drop, n_scored)
    select window_start, window_end, topic, 'warning', avg_score, avg_score + 0.3, 0.05, 8, 0.3, n_scored
    from sentiment_window where extract(minute from window_start) = 0 and extract(hour from window_start) = 12`.execute(
    db,
  );
  await sql`insert into influencer_window (window_start, window_end, topic, author_id, username, rank, score, tweets, retweets, favourites, followers, depth)
    select w, w + interval '15 minutes', t, 'u' || ((r * 7919 + extract(epoch from w)::bigint / 900) % 5000), 'user' || r, r,
      1.0 / r, 1 + r % 3, 100 - r, 50 - r / 2, 1000 * r, r % 9
    from ${windows} w, ${topics} t, generate_series(1, 100) r`.execute(db);
  await sql`insert into word_window (window_start, window_end, topic, word, count, rank)
    select w, w + interval '15 minutes', t, 'word' || ((r * 31 + extract(epoch from w)::bigint / 900) % 2000), 200 - r, r
    from ${windows} w, ${topics} t, generate_series(1, 100) r`.execute(db);
  await sql`vacuum analyze`.execute(db);
  const counts = await sql<{ n: number }>`select count(*)::bigint as n from influencer_window`.execute(db);
  console.log(
    `seeded ${DAYS} days: ${counts.rows[0]!.n} influencer rows (and as many words) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  await db.destroy();

  const server = await startDashboard({ data: dataFromDb(openDb(url)), port: 0 });
  const range = (ms: number) => ({
    topic: "acme",
    from: new Date(END - ms).toISOString(),
    to: new Date(END).toISOString(),
  });
  const get = async (path: string, q?: Record<string, string>) => {
    const res = await fetch(new URL(q ? `${path}?${new URLSearchParams(q)}` : path, server.url));
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.arrayBuffer();
  };
  const time = async (label: string, f: () => Promise<unknown>) => {
    for (let i = 0; i < 5; i++) await f(); // warm the pool and the plan cache
    const ms: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await f();
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
    console.log(`${label.padEnd(44)} p50 ${p(0.5).padStart(7)} ms   p95 ${p(0.95).padStart(7)} ms`);
  };
  const day = range(86_400_000);
  const week = range(7 * 86_400_000);
  await time("page refresh, 24 h (topics + 4 calls at once)", () =>
    get("/api/topics").then(() =>
      Promise.all([
        get("/api/sentiment", day),
        get("/api/influencers", { ...day, limit: "20" }),
        get("/api/words", { ...day, limit: "100" }),
        get("/api/alerts", day),
      ]),
    ),
  );
  await time("/api/topics", () => get("/api/topics"));
  await time("/api/sentiment 24 h", () => get("/api/sentiment", day));
  await time("/api/influencers 24 h", () => get("/api/influencers", day));
  await time("/api/words 24 h", () => get("/api/words", day));
  await time("/api/alerts 24 h", () => get("/api/alerts", day));
  await time("/api/sentiment 7 d", () => get("/api/sentiment", week));
  await time("/api/influencers 7 d", () => get("/api/influencers", week));
  await time("/api/words 7 d", () => get("/api/words", week));
  console.log(
    `server RSS after the run: ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB (bench and server share the process)`,
  );
  await server.close();
} finally {
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
