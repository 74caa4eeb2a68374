/**
 * p50/p95 latency of the typed queries over one year of 15-minute windows × 3 topics × 100
 * authors (~10.5M influencer_window rows), generated server-side with generate_series on a
 * throw-away local PostgreSQL (or DATABASE_URL's server: it creates and drops its own database).
 *
 *   npx tsx bench/queries.ts [--runs 200] [--words 30]
 *
 * Prints one line per query and the load figures; copy them into BENCHMARKS.md ("Queries").
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Kysely, sql } from "kysely";
import { createDatabase, startLocalPostgres } from "../runtime/postgres/index.ts";
import {
  type Database,
  migrateToLatest,
  openDb,
  sentimentAlerts,
  sentimentTimeline,
  topInfluencers,
  topWords,
} from "../sql/index.ts";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "200" }, words: { type: "string", default: "30" } },
});
const RUNS = Number(values.runs);
const WORDS = Number(values.words);
const YEAR_START = Date.parse("2025-01-01T00:00:00Z");
const DAY = 86_400_000;

const dataDir = mkdtempSync(join(tmpdir(), "trends-bench-pg-"));
const server = process.env.DATABASE_URL ? undefined : await startLocalPostgres({ dataDir });
const adminUrl = process.env.DATABASE_URL ?? server!.url;
const url = await createDatabase(adminUrl, `bench_${process.pid}`);
const db = openDb(url, { statementTimeoutMs: 0 });

async function timed(label: string, f: () => Promise<unknown>): Promise<void> {
  const t = performance.now();
  await f();
  console.log(`${label.padEnd(44)} ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

try {
  await migrateToLatest(db);
  // Each window ranks 100 of 500 authors per topic; the set rotates from window to window, so
  // a day's aggregate really groups ~500 authors over ~9,600 rows.
  await timed("load influencer_window (10.5M rows)", () =>
    sql`
      insert into influencer_window (window_start, window_end, topic, author_id, username, rank, score,
        tweets, retweets, favourites, followers, depth)
      select w, w + interval '15 minutes', t, 'u' || a, 'user_' || a, r, 1.0 - (r - 1) / 100.0,
        1 + (a % 7), (a * r) % 1000, (a * 3 + r) % 5000, 1000 + a * 17, r % 9
      from generate_series(timestamptz '2025-01-01', timestamptz '2025-12-31 23:45', interval '15 minutes') as w,
        unnest(array['*', 'acme', 'globex']) as t,
        generate_series(1, 100) as r,
        lateral (select (extract(epoch from w)::bigint / 900 * 37 + r * 101) % 500 as a) as author`.execute(
      db,
    ),
  );
  await timed(`load word_window (${WORDS} words per window)`, () =>
    sql`
      insert into word_window (window_start, window_end, topic, word, count, rank)
      select w, w + interval '15 minutes', t, 'word' || ((extract(epoch from w)::bigint / 900 * 7 + r * 13) % 2000),
        1000 - r * 3, r
      from generate_series(timestamptz '2025-01-01', timestamptz '2025-12-31 23:45', interval '15 minutes') as w,
        unnest(array['*', 'acme', 'globex']) as t,
        generate_series(1, ${WORDS}::int) as r`.execute(db),
  );
  await timed("load sentiment_window, sentiment_alert", async () => {
    await sql`
      insert into sentiment_window (window_start, window_end, topic, n_tweets, n_scored, avg_score, avg_magnitude,
        pos_share, neg_share)
      select w, w + interval '15 minutes', t, 500, 450, sin(extract(epoch from w) / 86400) * 0.5, 0.6, 0.4, 0.2
      from generate_series(timestamptz '2025-01-01', timestamptz '2025-12-31 23:45', interval '15 minutes') as w,
        unnest(array['*', 'acme', 'globex']) as t`.execute(db);
    await sql`
      insert into sentiment_alert (window_start, window_end, topic, severity, avg_score, baseline_mean, baseline_sd,
        baseline_windows, drop, n_scored)
      select window_start, window_end, topic, 'warning', -0.3, 0.1, 0.05, 8, 0.4, 450
      from sentiment_window where extract(epoch from window_start)::bigint % (900 * 97) = 0`.execute(db);
  });
  await timed("vacuum analyze", () => sql`vacuum analyze`.execute(db));
  const { rows } = await sql<{ n: number; size: string }>`
    select count(*)::bigint as n, pg_size_pretty(pg_total_relation_size('influencer_window')) as size
    from influencer_window`.execute(db);
  console.log(`influencer_window: ${rows[0]!.n} rows, ${rows[0]!.size} with indexes`);

  // Deterministic pseudo-random days of the year, so runs are comparable.
  let seed = 42;
  const nextDay = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return YEAR_START + (seed % 358) * DAY + (seed % 96) * 900_000;
  };
  const topics = ["acme", "globex", "*"];
  const cases: Array<
    [string, (db: Kysely<Database>, from: Date, to: Date, topic: string) => Promise<unknown>, number]
  > = [
    ["top influencers, 24 h, top 20", (d, from, to, topic) => topInfluencers(d, { topic, from, to }), DAY],
    ["top influencers, 7 d, top 20", (d, from, to, topic) => topInfluencers(d, { topic, from, to }), 7 * DAY],
    [
      "sentiment timeline, 24 h (96 windows)",
      (d, from, to, topic) => sentimentTimeline(d, { topic, from, to }),
      DAY,
    ],
    [
      "sentiment timeline, 7 d (672 windows)",
      (d, from, to, topic) => sentimentTimeline(d, { topic, from, to }),
      7 * DAY,
    ],
    ["words, 24 h, top 100", (d, from, to, topic) => topWords(d, { topic, from, to }), DAY],
    ["alerts, 7 d, one topic", (d, from, to, topic) => sentimentAlerts(d, { topic, from, to }), 7 * DAY],
  ];
  console.log(
    `\n${"query".padEnd(40)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)}  (${RUNS} runs, warm cache)`,
  );
  for (const [label, run, span] of cases) {
    for (let i = 0; i < 10; i++) await run(db, new Date(nextDay()), new Date(nextDay() + span), "acme");
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const from = nextDay();
      const t = performance.now();
      await run(db, new Date(from), new Date(from + span), topics[i % 3]!);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
    console.log(`${label.padEnd(40)} ${p(0.5).padStart(8)} ${p(0.95).padStart(8)}`);
  }
} finally {
  await db.destroy();
  if (server) {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
