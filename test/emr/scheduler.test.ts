import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isLocked,
  jdbcFromDatabaseUrl,
  LocalStepRunner,
  type ProcessDeps,
  runRange,
  type SchedulerOptions,
  type StepRunner,
  schedulerLockKey,
  schedulerTick,
  windowLockKey,
} from "../../emr/index.ts";
import { inputSource } from "../../emr/scheduler/index.ts";
import { waitFor } from "../../runtime/proc.ts";
import { sentimentAlert, sentimentWindow } from "../../sparkgen/specs/index.ts";
import { type Database, openDb } from "../../sql/index.ts";
import { type TestJob, testJob } from "../sparkgen/support.ts";
import { sparkInstall } from "../support/services.ts";
import {
  alerts,
  attempts,
  FaultyRunner,
  migratedDb,
  seededSentiment,
  type TestDb,
  topicsByWindow,
  windowEvents,
  windowOf,
  writeObject,
} from "./scheduler-support.ts";

/*
 * The scheduler under faults, with the real local runner (spark-submit of the generated step) and
 * a real PostgreSQL. One timeline, four scenarios in order; each ends by checking that every
 * processed window's results exist exactly once, no two attempts of a window overlapped, and the
 * alerts are the ones an in-order run gives (worked out by hand below).
 *
 * Windows (2026-11-25, 15 min): W1 04:15, W2 04:30, W3 04:45. All events carry the rule `acme`,
 * so topics `*` and `acme` have the same numbers. 03:00–04:00 are seeded into sentiment_window
 * (n_scored 20, avg 0.5): the alert baseline of the processed windows.
 * Inputs: one object per window in arrival hour 04/, 20 scored events each: W1 0.5, W2 0.2, W3 0.5.
 * Six spark-submits in all (and one killed), of a job of the two metrics these checks read,
 * sentiment_window and sentiment_alert (`testJob`, test/sparkgen/support.ts).
 * Alerts (baseline: the previous 8 windows with n_scored ≥ 20, ≥ 4 needed; alert when
 * drop ≥ max(0.2, 2·sd), critical when drop ≥ max(0.4, 3·sd)):
 *   W1: baseline all 0.5, drop 0 → none.
 *   W2: baseline 03:00–04:00, W1 = six × 0.5, sd 0 → drop 0.3 ≥ 0.2, < 0.4 → warning.
 *   W3: baseline mean (6·0.5 + 0.2)/7 = 0.457143 < 0.5 → none.
 * Late data (scenario 4): 20 more W1 events at −0.5 arrive → W1 n_scored 40, avg 0.
 *   W1: baseline 03:00–04:00 = five × 0.5, sd 0 → drop 0.5 ≥ 0.4 → critical.
 *   W2: baseline [0.5 ×5, 0] mean 0.416667, sd √((5·0.083333² + 0.416667²)/5) = 0.204124,
 *       drop 0.216667 < 2·sd 0.408248 → none (the warning goes away).
 *   W3: baseline [0.5 ×5, 0, 0.2] mean 0.385714 < 0.5 → none.
 */
const W1 = windowOf("2026-11-25T04:15:00Z");
const W2 = windowOf("2026-11-25T04:30:00Z");
const W3 = windowOf("2026-11-25T04:45:00Z");
const HOUR = "2026/11/25/04/";
const at = (hhmm: string) => new Date(`2026-11-25T${hhmm}:00Z`);

let t: TestDb;
let root: string;
let job: TestJob;
const pools: Kysely<Database>[] = [];

function localRunner(url: string): LocalStepRunner {
  return new LocalStepRunner({
    spark: sparkInstall(),
    master: "local[1]",
    jdbcUser: jdbcFromDatabaseUrl(url).user,
    plan: job.plan,
  });
}

/** A scheduler as a separate process would have it: its own pool, runner and owner. */
function scheduler(runner: StepRunner, now: string, extra: Partial<SchedulerOptions> = {}): SchedulerOptions {
  const db = openDb(t.url);
  pools.push(db);
  const deps: ProcessDeps = {
    db,
    runner,
    input: inputSource(root),
    jdbcUrl: jdbcFromDatabaseUrl(t.url).jdbcUrl,
    windowMinutes: 15,
    latenessMinutes: 10,
    maxAttempts: 3,
    retryDelayMs: 10,
    owner: `test-${pools.length}`,
  };
  return { ...deps, from: W1.start, now: () => at(now), ...extra };
}

const both = (x: object) => [
  { topic: "*", ...x },
  { topic: "acme", ...x },
];
const W2_WARNING = {
  window: "04:30",
  severity: "warning",
  avg_score: 0.2,
  baseline_mean: 0.5,
  baseline_sd: 0,
  baseline_windows: 6,
  drop: 0.3,
  n_scored: 20,
};

beforeAll(async () => {
  t = await migratedDb("sched");
  root = mkdtempSync(join(tmpdir(), "trends-sched-"));
  job = testJob([sentimentWindow, sentimentAlert]);
  writeObject(root, HOUR, "trends-1-2026-11-25-04-29-50-w1", windowEvents(W1, "w1", 20, 0.5));
  writeObject(root, HOUR, "trends-1-2026-11-25-04-44-50-w2", windowEvents(W2, "w2", 20, 0.2));
  writeObject(root, HOUR, "trends-1-2026-11-25-04-59-50-w3", windowEvents(W3, "w3", 20, 0.5));
  const seeded = seededSentiment(["03:00", "03:15", "03:30", "03:45", "04:00"].map(at), ["*", "acme"]);
  await t.db.insertInto("sentiment_window").values(seeded).execute();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.destroy()));
  await t?.db.destroy();
  job?.remove();
  if (root) rmSync(root, { recursive: true, force: true });
});

const SEEDED = { "03:00": 2, "03:15": 2, "03:30": 2, "03:45": 2, "04:00": 2 };
async function resultsOnce(windows: string[]) {
  const topics = await topicsByWindow(t.db);
  const counts = Object.fromEntries(Object.entries(topics).map(([k, v]) => [k.slice(11, 16), v.length]));
  expect(counts).toEqual({ ...SEEDED, ...Object.fromEntries(windows.map((w) => [w, 2])) });
}

// Generous: spark-submit takes ~10 s alone but far longer on a loaded 2-core machine.
const TIMEOUT = 900_000;

describe("scheduler under faults (real spark-submit, real PostgreSQL)", () => {
  it(
    "retries a step that fails once, and leaves a step that always fails failed after max attempts",
    async () => {
      const runner = new FaultyRunner(localRunner(t.url), {
        failFirst: [W1.start.toISOString()],
        alwaysFail: [W2.start.toISOString()],
      });
      // 05:00: W2 (04:30–04:45) is due since 04:55; W3 only at 05:10.
      const tick = await schedulerTick(scheduler(runner, "05:00"));
      expect(tick.standby).toBe(false);
      expect(tick.queued.map((p) => `${p.window.start.toISOString().slice(11, 16)} ${p.reason}`)).toEqual([
        "04:15 new",
        "04:30 new",
      ]);
      expect(tick.outcomes.map((o) => [o.status, o.attempts.map((a) => a.status)])).toEqual([
        ["succeeded", ["failed", "succeeded"]],
        ["failed", ["failed", "failed", "failed"]],
      ]);
      expect(tick.failed.map((f) => f.window.start)).toEqual([W2.start]);
      expect(runner.realSubmits).toEqual([W1.start.toISOString()]);
      // Its prefixes (03/, 04/) hold the three window objects: 60 lines, all valid, no duplicates.
      const w1 = tick.outcomes[0]!.attempts[1]!;
      expect([w1.inputObjects, w1.rowsRead, w1.badRecords, w1.duplicates]).toEqual([3, 60, 0, 0]);

      const a = await attempts(t.db);
      expect(a.byWindow).toEqual({
        "04:15": ["failed", "succeeded"],
        "04:30": ["failed", "failed", "failed"],
      });
      expect(a.overlaps).toBe(0);
      await resultsOnce(["04:15"]);
      expect(await alerts(t.db)).toEqual([]);

      // Out of budget: the next tick leaves W2 alone.
      const again = await schedulerTick(scheduler(runner, "05:05"));
      expect(again.queued).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "takes over a window whose scheduler was killed mid-step",
    async () => {
      // A scheduler process with a fresh budget (5 > 3 failures) starts W2; kill it and its Spark.
      const child: ChildProcess = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          fileURLToPath(new URL("./scheduler-child.ts", import.meta.url)),
          t.url,
          root,
          at("05:00").toISOString(),
          W1.start.toISOString(),
          "5",
          JSON.stringify(sparkInstall()),
          job.plan,
        ],
        { detached: true, stdio: "ignore" },
      );
      const exited = new Promise((r) => child.once("exit", r));
      await waitFor(
        "the child's W2 step",
        async () => {
          const row = await t.db
            .selectFrom("pipeline_run")
            .select("status")
            .where("window_start", "=", W2.start)
            .where("status", "=", "running")
            .executeTakeFirst();
          return row !== undefined;
        },
        600_000,
      );
      await new Promise((r) => setTimeout(r, 2000)); // let spark-submit get going
      process.kill(-child.pid!, "SIGKILL");
      await exited;
      // PostgreSQL ends the killed child's session, and frees its advisory locks, once it sees the
      // closed socket; until then the window rightly counts as running elsewhere. The next real
      // tick comes minutes later: wait for the server here instead of racing it.
      await waitFor(
        "the killed child's advisory locks to be freed",
        async () => !(await isLocked(t.db, windowLockKey(W2))) && !(await isLocked(t.db, schedulerLockKey)),
        60_000,
      );

      const tick = await schedulerTick(scheduler(localRunner(t.url), "05:00", { maxAttempts: 5 }));
      expect(tick.queued.map((p) => `${p.window.start.toISOString().slice(11, 16)} ${p.reason}`)).toEqual([
        "04:30 resume",
      ]);
      expect(tick.outcomes.map((o) => o.status)).toEqual(["succeeded"]);

      const a = await attempts(t.db);
      expect(a.byWindow["04:30"]).toEqual(["failed", "failed", "failed", "interrupted", "succeeded"]);
      const interrupted = a.rows.find((r) => r.status === "interrupted")!;
      expect(interrupted.owner).toMatch(/^child:/);
      expect(interrupted.error).toMatch(/stopped before the step ended; taken over by test-/);
      expect(a.overlaps).toBe(0);
      await resultsOnce(["04:15", "04:30"]);
      expect(await alerts(t.db)).toEqual(both(W2_WARNING));
    },
    TIMEOUT,
  );

  it(
    "runs a window once when two schedulers and a `trends run` start together",
    async () => {
      // 05:15: W3 is due (since 05:10).
      const a = scheduler(localRunner(t.url), "05:15");
      const b = scheduler(localRunner(t.url), "05:15");
      const manual = scheduler(localRunner(t.url), "05:15");
      const pa = schedulerTick(a);
      const pb = schedulerTick(b);
      // While the active scheduler runs W3, a manual run of the same window finds it locked.
      await waitFor(
        "W3 running",
        async () => (await attempts(t.db)).byWindow["04:45"]?.[0] === "running",
        60_000,
      );
      const run = await runRange(manual, W3.start, W3.end, at("05:15"));
      expect(run.map((o) => [o.status, o.attempts.length])).toEqual([["locked", 0]]);
      const [ta, tb] = await Promise.all([pa, pb]);
      // The scheduler lock lets one scheduler work; the other stands by.
      expect([ta.standby, tb.standby].sort()).toEqual([false, true]);
      const active = ta.standby ? tb : ta;
      expect(active.outcomes.map((o) => [o.window.start, o.status])).toEqual([[W3.start, "succeeded"]]);

      const rows = await attempts(t.db);
      expect(rows.byWindow["04:45"]).toEqual(["succeeded"]);
      expect(rows.overlaps).toBe(0);
      await resultsOnce(["04:15", "04:30", "04:45"]);
      expect(await alerts(t.db)).toEqual(both(W2_WARNING));
    },
    TIMEOUT,
  );

  it(
    "reprocesses a finished window when late objects arrive, and the windows whose baseline it is",
    async () => {
      writeObject(root, HOUR, "trends-1-2026-11-25-05-05-00-late", windowEvents(W1, "late", 20, -0.5));
      const tick = await schedulerTick(scheduler(localRunner(t.url), "05:20"));
      // Every window reading hour 04/ sees a new listing; W1's sentiment changed, so W2 and W3
      // (already queued) are recomputed against it either way.
      expect(tick.queued.map((p) => `${p.window.start.toISOString().slice(11, 16)} ${p.reason}`)).toEqual([
        "04:15 late-data",
        "04:30 late-data",
        "04:45 late-data",
      ]);
      expect(tick.outcomes.map((o) => o.status)).toEqual(["succeeded", "succeeded", "succeeded"]);

      const rows = await attempts(t.db);
      expect(rows.overlaps).toBe(0);
      await resultsOnce(["04:15", "04:30", "04:45"]);
      const w1 = await t.db
        .selectFrom("sentiment_window")
        .selectAll()
        .where("window_start", "=", W1.start)
        .execute();
      expect(w1.map((r) => [r.topic, Number(r.n_tweets), Number(r.n_scored), r.avg_score])).toEqual([
        ["*", 40, 40, 0],
        ["acme", 40, 40, 0],
      ]);
      expect(await alerts(t.db)).toEqual(
        both({
          window: "04:15",
          severity: "critical",
          avg_score: 0,
          baseline_mean: 0.5,
          baseline_sd: 0,
          baseline_windows: 5,
          drop: 0.5,
          n_scored: 40,
        }),
      );

      // Nothing changed since: the next tick has nothing to do.
      expect((await schedulerTick(scheduler(localRunner(t.url), "05:20"))).queued).toEqual([]);
    },
    TIMEOUT,
  );
});
