import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { Kysely } from "kysely";
import pg from "pg";
import { type SparkInstall, sparkSubmit } from "../../runtime/spark/index.ts";
import { inputHourPrefixes, type Window } from "../../runtime/windows/index.ts";
import {
  generate,
  STEP_ENTRY_PATH,
  WINDOW_JOB_PLAN,
  WINDOW_JOB_PLAN_PATH,
  writeGenerated,
} from "../../sparkgen/index.ts";
import type { MetricSpec } from "../../sparkgen/spec/index.ts";
import { windowJob } from "../../sparkgen/specs/index.ts";
import { type Database, migrateToLatest, openDb } from "../../sql/index.ts";
import { freshDatabase, sparkInstall } from "../support/services.ts";

/** The step runtime's entry and the generated window job plan it runs (the step contract). */
export const WINDOW_STEP = STEP_ENTRY_PATH;
export const WINDOW_PLAN = WINDOW_JOB_PLAN_PATH;
/** Root of the committed NDJSON fixtures (`…/raw/YYYY/MM/DD/HH/<object>`). */
export const fixtureRoot = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/sparkgen/${name}/raw/`, import.meta.url));

export const LATENESS_MINUTES = 10;

/** A generated job of a test's own, in a temp directory (`remove` when the file is done). */
export interface TestJob {
  /** Its plan, for `runWindowStep` or a runner's `plan`; the SQL files beside it. */
  plan: string;
  remove(): void;
}

/**
 * The shipped job's settings with only `metrics`: the real step with fewer statements, for a test
 * whose checks read only those metrics' tables (or a spec of its own). A step's cost is mostly
 * per statement: a 20-event window takes 7.5 s for sentiment and its alert against 19.1 s for the
 * shipped job. range-exact.test.ts and overlap.test.ts keep the shipped job, so every table is
 * still held to the runner's rules.
 */
export function testJob(metrics: readonly MetricSpec[]): TestJob {
  const dir = mkdtempSync(join(tmpdir(), "trends-test-job-"));
  writeGenerated(generate({ ...windowJob, metrics }), dir);
  return { plan: join(dir, WINDOW_JOB_PLAN), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Per test or hook that runs spark-submit: ~10 s each on an idle machine, but minutes when other
 * suites share the 2 cores (seen: 200–450 s), above the integration project's 300 s default.
 */
export const SPARK_TIMEOUT = 900_000;

export const windowOf = (startIso: string, minutes = 15): Window => {
  const start = new Date(startIso);
  return { start, end: new Date(start.getTime() + minutes * 60_000) };
};

/** The `--input` prefixes a caller passes for a window, as the scheduler computes them. */
export const inputsFor = (root: string, w: Window, scheme: "file" | "path" = "file"): string[] =>
  inputHourPrefixes(w, LATENESS_MINUTES).map((p) =>
    scheme === "file" ? `file://${root}${p}` : `${root}${p}`,
  );

export interface ResultsDb {
  url: string;
  jdbcUrl: string;
  user: string;
  db: Kysely<Database>;
}

/** A fresh database with the sql stage's migrations applied. */
export async function resultsDb(prefix: string): Promise<ResultsDb> {
  const url = await freshDatabase(prefix);
  const u = new URL(url);
  const db = openDb(url);
  await migrateToLatest(db);
  return {
    url,
    jdbcUrl: `jdbc:postgresql://${u.host}${u.pathname}`,
    user: decodeURIComponent(u.username),
    db,
  };
}

export interface StepStats {
  rows_read: number;
  bad_records: number;
  duplicates: number;
  events: number;
}

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The parsed `TRENDS_STEP_RESULT {…}` line, if printed. */
  result: StepStats | undefined;
}

export interface StepOptions {
  runId?: number;
  /** Default: the pinned PySpark 3.5. */
  spark?: SparkInstall;
  /** Another generated plan (a test's own job, `testJob`); default the shipped job's. */
  plan?: string;
}

/** One spark-submit of the generated window step on `local[2]`; credentials via the environment. */
export async function runWindowStep(
  r: ResultsDb,
  w: Window,
  inputs: readonly string[],
  { runId, spark = sparkInstall(), plan = WINDOW_PLAN }: StepOptions = {},
): Promise<StepRun> {
  if (!existsSync(plan)) throw new Error(`${plan} is not generated yet: run npx trends sparkgen`);
  const args = [
    "--plan",
    plan,
    "--window-start",
    w.start.toISOString(),
    "--window-end",
    w.end.toISOString(),
    ...inputs.flatMap((i) => ["--input", i]),
    "--jdbc-url",
    r.jdbcUrl,
    ...(runId === undefined ? [] : ["--run-id", String(runId)]),
  ];
  const res = await sparkSubmit({
    spark,
    script: WINDOW_STEP,
    args,
    master: "local[2]",
    env: { TRENDS_JDBC_USER: r.user, TRENDS_JDBC_PASSWORD: "" },
  });
  const line = res.stdout.split("\n").find((l) => l.startsWith("TRENDS_STEP_RESULT "));
  const result = line ? (JSON.parse(line.slice("TRENDS_STEP_RESULT ".length)) as StepStats) : undefined;
  return { code: res.code, stdout: res.stdout, stderr: res.stderr, result };
}

/** The tail of a failed step's output, for the assertion message. */
export const why = (s: StepRun): string =>
  `exit ${s.code}\n${s.stdout.slice(-2000)}\n${s.stderr.slice(-4000)}`;

/** Floats rounded so that Spark's and V8's last-ulp differences in ln() do not matter. */
export const r9 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e9) / 1e9);

export async function sentimentRows(db: Kysely<Database>, w: Window) {
  const rows = await db
    .selectFrom("sentiment_window")
    .selectAll()
    .where("window_start", "=", w.start)
    .orderBy("topic")
    .execute();
  return rows.map((x) => ({
    topic: x.topic,
    window_end: x.window_end.toISOString(),
    n_tweets: Number(x.n_tweets),
    n_scored: Number(x.n_scored),
    avg_score: r9(x.avg_score),
    avg_magnitude: r9(x.avg_magnitude),
    pos_share: r9(x.pos_share),
    neg_share: r9(x.neg_share),
  }));
}

export async function influencerRows(db: Kysely<Database>, w: Window) {
  const rows = await db
    .selectFrom("influencer_window")
    .selectAll()
    .where("window_start", "=", w.start)
    .orderBy("topic")
    .orderBy("rank")
    .execute();
  return rows.map((x) => ({
    topic: x.topic,
    rank: x.rank,
    author_id: x.author_id,
    username: x.username,
    score: r9(x.score),
    tweets: Number(x.tweets),
    retweets: Number(x.retweets),
    favourites: Number(x.favourites),
    followers: Number(x.followers),
    depth: x.depth,
  }));
}

export async function wordRows(db: Kysely<Database>, w: Window) {
  const rows = await db
    .selectFrom("word_window")
    .selectAll()
    .where("window_start", "=", w.start)
    .orderBy("topic")
    .orderBy("rank")
    .execute();
  return rows.map((x) => ({ topic: x.topic, rank: x.rank, word: x.word, count: Number(x.count) }));
}

export async function alertRows(db: Kysely<Database>) {
  const rows = await db
    .selectFrom("sentiment_alert")
    .selectAll()
    .orderBy("window_start")
    .orderBy("topic")
    .execute();
  return rows.map((x) => ({
    window_start: x.window_start.toISOString(),
    topic: x.topic,
    severity: x.severity,
    avg_score: r9(x.avg_score),
    baseline_mean: r9(x.baseline_mean),
    baseline_sd: r9(x.baseline_sd),
    baseline_windows: x.baseline_windows,
    drop: r9(x.drop),
    n_scored: Number(x.n_scored),
  }));
}

/** The step's history lock (sparkgen/runtime/trends_step/write.py `HISTORY_LOCK`). */
const HISTORY_LOCK = { space: 0x74726e68, id: 0 };

/** Whether some session waits for the history lock (the step under test, blocked by `c`'s transaction). */
async function waitingForLock(c: pg.Client): Promise<boolean> {
  const { rows } = await c.query<{ n: number }>(
    `select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted
       and database = (select oid from pg_database where datname = current_database())
       and classid = $1::int4::oid and objid = $2::int4::oid and objsubid = 2`,
    [HISTORY_LOCK.space, HISTORY_LOCK.id],
  );
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * W's step while "another run" (a transaction of the test's own) holds the history lock with
 * `write` done but not committed; it commits once the step is seen waiting for the lock. Before
 * the rule existed the step never waited: it finished with that write unseen.
 */
export async function stepWhileHistoryIsWritten(
  r: ResultsDb,
  w: Window,
  inputs: readonly string[],
  write: (other: pg.Client) => Promise<void>,
  step: StepOptions = {},
): Promise<StepRun> {
  const other = new pg.Client({ connectionString: r.url });
  await other.connect();
  try {
    await other.query("begin");
    await other.query("select pg_advisory_xact_lock($1::int4, $2::int4)", [
      HISTORY_LOCK.space,
      HISTORY_LOCK.id,
    ]);
    await write(other);
    let done = false;
    const run = runWindowStep(r, w, inputs, step).finally(() => {
      done = true;
    });
    while (!done && !(await waitingForLock(other))) await sleep(200);
    await other.query("commit");
    return await run;
  } finally {
    await other.end();
  }
}
