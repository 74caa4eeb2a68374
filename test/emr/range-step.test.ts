import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jdbcFromDatabaseUrl, LocalStepRunner, type ProcessDeps, runRange } from "../../emr/index.ts";
import { inputSource } from "../../emr/scheduler/index.ts";
import { sentimentAlert, sentimentWindow } from "../../sparkgen/specs/index.ts";
import { type TestJob, testJob } from "../sparkgen/support.ts";
import { sparkInstall } from "../support/services.ts";
import { migratedDb, type TestDb, windowEvents, windowOf, writeObject } from "./scheduler-support.ts";

/*
 * Six consecutive windows in one range step (one Spark application) through the scheduler code
 * and the real local runner. Window 4's first write fails inside PostgreSQL (a trigger raises on
 * its first sentiment_window insert; a sequence, which no rollback undoes, makes it fail once).
 * Windows 1–3 stay committed exactly once; the retry is one more range step for windows 4–6.
 * Two spark-submits in all, of a job of sentiment_window and its alert (`testJob`,
 * test/sparkgen/support.ts): the checks read pipeline_run and sentiment_window.
 */
const WINDOWS = ["04:00", "04:15", "04:30", "04:45", "05:00", "05:15"].map((t) =>
  windowOf(`2026-11-24T${t}:00Z`),
);
// Two spark-submits of up to 900 s each on a loaded machine (test/sparkgen/support.ts).
const SPARK_TIMEOUT = 1_800_000;

let t: TestDb;
let root: string;
let job: TestJob;

beforeAll(async () => {
  t = await migratedDb("rangestep");
  job = testJob([sentimentWindow, sentimentAlert]);
  root = mkdtempSync(join(tmpdir(), "trends-range-"));
  for (const [k, w] of WINDOWS.entries()) {
    const hour = `2026/11/24/${String(w.start.getUTCHours()).padStart(2, "0")}/`;
    writeObject(root, hour, `obj-${k}`, windowEvents(w, `w${k + 1}`, 3 + k, 0.1 * k));
  }
  await sql`create sequence range_fault`.execute(t.db);
  await sql
    .raw(`create function range_fault() returns trigger language plpgsql as $$
      begin
        if new.window_start = '${WINDOWS[3]!.start.toISOString()}' and nextval('range_fault') = 1 then
          raise exception 'injected fault in window 4';
        end if;
        return new;
      end $$`)
    .execute(t.db);
  await sql`create trigger range_fault before insert on sentiment_window for each row execute function range_fault()`.execute(
    t.db,
  );
});

afterAll(async () => {
  job?.remove();
  await t?.db.destroy();
  if (root) rmSync(root, { recursive: true, force: true });
}, SPARK_TIMEOUT);

describe("a range step", () => {
  it(
    "commits windows 1–3 once when window 4 fails, and retries 4–6 in one more step",
    async () => {
      const deps: ProcessDeps = {
        db: t.db,
        runner: new LocalStepRunner({
          spark: sparkInstall(),
          master: "local[2]",
          jdbcUser: jdbcFromDatabaseUrl(t.url).user,
          plan: job.plan,
        }),
        input: inputSource(root),
        jdbcUrl: jdbcFromDatabaseUrl(t.url).jdbcUrl,
        windowMinutes: 15,
        latenessMinutes: 10,
        maxAttempts: 2,
        retryDelayMs: 100,
        owner: "test:range",
        rangeWindows: 6,
      };
      const outcomes = await runRange(
        deps,
        WINDOWS[0]!.start,
        WINDOWS[5]!.end,
        new Date("2026-11-25T00:00:00Z"),
      );
      expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill("succeeded"));

      const runs = await t.db
        .selectFrom("pipeline_run")
        .selectAll()
        .orderBy("window_start")
        .orderBy("attempt")
        .execute();
      const byWindow = WINDOWS.map((w) => runs.filter((r) => r.window_start.getTime() === w.start.getTime()));
      expect(byWindow.map((rs) => rs.map((r) => r.status))).toEqual([
        ["succeeded"],
        ["succeeded"],
        ["succeeded"],
        ["failed", "succeeded"],
        ["cancelled", "succeeded"],
        ["cancelled", "succeeded"],
      ]);
      expect(byWindow[3]![0]!.error).toContain("injected fault in window 4");
      expect(byWindow[4]![0]!.error).toMatch(/^not run: window .* did not commit/);
      // one step for the first attempt of all six, one for the retry of 4–6
      const first = byWindow.map((rs) => rs[0]!.step_id);
      expect(new Set(first).size).toBe(1);
      const retry = byWindow.slice(3).map((rs) => rs[1]!.step_id);
      expect(new Set(retry).size).toBe(1);
      expect(retry[0]).not.toBe(first[0]);
      // per-window stats, each window reading only its own arrival hours (the hour before its
      // start up to its end + lateness): hour 04 holds 3+4+5+6 = 18 lines, hour 05 7+8 = 15
      expect(byWindow.map((rs) => rs.at(-1)!.rows_read)).toEqual([18, 18, 18, 33, 33, 33]);
      expect(byWindow.map((rs) => rs.at(-1)!.duplicates)).toEqual([0, 0, 0, 0, 0, 0]);

      const sentiment = await t.db
        .selectFrom("sentiment_window")
        .select(["window_start", "topic", "n_tweets", "computed_at"])
        .orderBy("window_start")
        .orderBy("topic")
        .execute();
      expect(
        sentiment.map((r) => [r.window_start.toISOString().slice(11, 16), r.topic, Number(r.n_tweets)]),
      ).toEqual(
        WINDOWS.flatMap((w, k) => [
          [w.start.toISOString().slice(11, 16), "*", 3 + k],
          [w.start.toISOString().slice(11, 16), "acme", 3 + k],
        ]),
      );
      // windows 1–3 were written by the first step only
      const retryStarted = byWindow[3]![1]!.started_at.getTime();
      for (const r of sentiment.slice(0, 6)) expect(r.computed_at.getTime()).toBeLessThan(retryStarted);
      for (const r of sentiment.slice(6))
        expect(r.computed_at.getTime()).toBeGreaterThanOrEqual(retryStarted);
    },
    SPARK_TIMEOUT,
  );
});
