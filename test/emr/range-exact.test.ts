import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jdbcFromDatabaseUrl, LocalStepRunner, type ProcessDeps, runRange } from "../../emr/index.ts";
import { inputSource } from "../../emr/scheduler/index.ts";
import { METRIC_TABLES } from "../../sql/index.ts";
import { sparkInstall } from "../support/services.ts";
import {
  eventLine,
  migratedDb,
  seededSentiment,
  type TestDb,
  tableRows,
  windowEvents,
  windowOf,
  writeObject,
} from "./scheduler-support.ts";

/*
 * A range step computes all its windows in one pass (sparkgen/README.md, "The step"); it must store
 * exactly what one step per window, in order, stores. The same four windows go through the
 * scheduler's code three times, into three databases: one range step (one spark-submit); one range
 * step computing them in two batches of two windows (TRENDS_BATCH_EVENTS=50: a batch reads the
 * history the one before it committed); and four single-window steps (`rangeWindows: 1`). Every
 * result table and every window's stats must be equal row for row. The data exercises what a batch
 * could get wrong:
 * - alerts: 09:00–09:45 and 11:45–12:00 are stored before the run (n_scored 20, avg 0.5); the
 *   scores of W1…W4 drop to 0 in W4, so W4 (in the second batch) is critical against a baseline
 *   that holds the first batch's windows, and the stored 11:45 window is within 8 windows of every
 *   commit (its alert is rewritten by each, from what that commit sees);
 * - dedup per window: a copy of one W3 event in another object (same id, later ingest);
 * - each window its own inputs: an event created in W2 delivered into hour 11, which W2 does not
 *   read (a one-window step never counts it in W2; a batch that joined events to windows by time
 *   alone would).
 * Four windows are what these need (the suite's time: each single-window step is a JVM start).
 */
const WINDOWS = ["10:00", "10:15", "10:30", "10:45"].map((t) => windowOf(`2026-11-24T${t}:00Z`));
const SCORES = [0.6, 0.4, 0.35, 0];
const STORED = ["09:00", "09:15", "09:30", "09:45", "11:45"].map((t) => new Date(`2026-11-24T${t}:00Z`));
// Six spark-submits on a loaded 2-core machine (test/sparkgen/support.ts: up to 900 s each).
const TIMEOUT = 3_600_000;
// Valid lines per window: 20, 21, 23 (22 + the copy), 24 (23 + the late W2 event, read from hour 11);
// batches of at most 50: two windows each.
const BATCH_EVENTS = "50";

let root: string;
let range: TestDb;
let batched: TestDb;
let single: TestDb;

const hourOf = (d: Date) => `2026/11/24/${d.toISOString().slice(11, 13)}/`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "trends-range-exact-"));
  for (const [k, w] of WINDOWS.entries())
    writeObject(root, hourOf(w.start), `obj-${k}`, windowEvents(w, `w${k + 1}`, 20 + k, SCORES[k]!));
  const copy = JSON.parse(windowEvents(WINDOWS[2]!, "w3", 1, 0.9)[0]!);
  copy.ingested_at = new Date(Date.parse(copy.ingested_at) + 60_000).toISOString();
  writeObject(root, hourOf(WINDOWS[2]!.start), "obj-copy", [JSON.stringify(copy)]);
  writeObject(root, "2026/11/24/11/", "obj-late", [
    eventLine("late-w2", new Date(WINDOWS[1]!.start.getTime() + 60_000), -0.9),
  ]);
  [range, batched, single] = await Promise.all([
    migratedDb("range_exact_one"),
    migratedDb("range_exact_batched"),
    migratedDb("range_exact_each"),
  ]);
  for (const t of [range, batched, single])
    await t.db
      .insertInto("sentiment_window")
      .values(seededSentiment(STORED, ["*", "acme"]))
      .execute();
});

afterAll(async () => {
  await Promise.all([range?.db.destroy(), batched?.db.destroy(), single?.db.destroy()]);
  if (root) rmSync(root, { recursive: true, force: true });
}, TIMEOUT);

async function run(t: TestDb, rangeWindows: number, env: NodeJS.ProcessEnv = {}) {
  const jdbc = jdbcFromDatabaseUrl(t.url);
  const deps: ProcessDeps = {
    db: t.db,
    runner: new LocalStepRunner({ spark: sparkInstall(), master: "local[2]", jdbcUser: jdbc.user, env }),
    input: inputSource(root),
    jdbcUrl: jdbc.jdbcUrl,
    windowMinutes: 15,
    latenessMinutes: 10,
    maxAttempts: 1,
    retryDelayMs: 10,
    owner: `test:range-exact-${rangeWindows}`,
    rangeWindows,
  };
  const outcomes = await runRange(
    deps,
    WINDOWS[0]!.start,
    WINDOWS.at(-1)!.end,
    new Date("2026-11-25T00:00:00Z"),
  );
  expect(outcomes.map((o) => o.status)).toEqual(Array(WINDOWS.length).fill("succeeded"));
  return t.db
    .selectFrom("pipeline_run")
    .select(["window_start", "step_id", "rows_read", "bad_records", "duplicates"])
    .orderBy("window_start")
    .execute();
}

describe("a range step", () => {
  it(
    "stores what one step per window stores, in order: every table, every window's stats",
    async () => {
      const one = await run(range, WINDOWS.length);
      const inBatches = await run(batched, WINDOWS.length, { TRENDS_BATCH_EVENTS: BATCH_EVENTS });
      const each = await run(single, 1);
      expect(new Set(one.map((r) => r.step_id)).size).toBe(1);
      expect(new Set(inBatches.map((r) => r.step_id)).size).toBe(1);
      expect(new Set(each.map((r) => r.step_id)).size).toBe(WINDOWS.length);
      const stats = (rs: typeof one) => rs.map(({ step_id: _, ...r }) => r);
      expect(stats(one)).toEqual(stats(each));
      expect(stats(inBatches)).toEqual(stats(each));
      // W3's copy is a duplicate of W3 only; the late W2 event is read (hour 11) by W4, counted in none
      expect(one.map((r) => r.duplicates)).toEqual([0, 0, 1, 0]);
      for (const table of METRIC_TABLES) {
        const expected = await tableRows(single.db, table);
        expect(await tableRows(range.db, table), table).toEqual(expected);
        expect(await tableRows(batched.db, table), `${table}, in batches`).toEqual(expected);
      }

      // and they are the hand-worked ones: W4's mean is 0 against the 7 windows before it, .5 ×4, .6,
      // .4, .375 (W3's 21·.35 + the copy's .9 over 22): mean 3.375/7 = 0.482143, sd 0.0746 → drop
      // ≥ max(0.4, 3·sd): critical, both topics; nothing else drops
      const alerts = await range.db
        .selectFrom("sentiment_alert")
        .select(["window_start", "topic", "severity"])
        .orderBy("window_start")
        .orderBy("topic")
        .execute();
      expect(alerts.map((a) => [a.window_start.toISOString().slice(11, 16), a.topic, a.severity])).toEqual([
        ["10:45", "*", "critical"],
        ["10:45", "acme", "critical"],
      ]);
      const events = await range.db
        .selectFrom("sentiment_window")
        .select(["window_start", "n_tweets"])
        .where("topic", "=", "*")
        .where("window_start", ">=", WINDOWS[0]!.start)
        .where("window_start", "<", WINDOWS.at(-1)!.end)
        .orderBy("window_start")
        .execute();
      expect(events.map((r) => Number(r.n_tweets))).toEqual([20, 21, 22, 23]);
    },
    TIMEOUT,
  );
});
