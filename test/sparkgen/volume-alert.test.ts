import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentimentAlert, sentimentWindow, volumeAlert } from "../../sparkgen/specs/index.ts";
import {
  fixtureRoot,
  inputsFor,
  type ResultsDb,
  r9,
  resultsDb,
  SPARK_TIMEOUT,
  stepWhileHistoryIsWritten,
  type TestJob,
  testJob,
  why,
  windowOf,
} from "./support.ts";

/*
 * Volume alerts (docs/contracts.md, "Volume alert"): baseline = the previous 8 windows of the topic that
 * have a sentiment_window row, at least 4; m = mean, sd = sample sd of their n_tweets. Alert when
 * n_tweets(W) ≥ 50 and n_tweets(W) ≥ m + max(3·sd, m); critical when n_tweets(W) ≥ m + max(5·sd, 3·m),
 * else warning; ratio = n_tweets / m.
 *
 * W = [2026-11-28T12:00Z, 12:15Z) comes from spark-submit over test/fixtures/sparkgen/volume
 * (generate.ts: unscored tweets, one topic each); every other row is seeded into sentiment_window:
 *
 *   topic      seeded n_tweets (W-8 … W-1)      W    m   sd        warn at        crit at   →
 *   floor      20 ×8                            49   20  0         20+max(0,20)=40  80       none: below the 50 floor
 *   atfloor    20 ×8                            50   20  0         40             80         warning (at the floor), ratio 2.5
 *   warn       10,30,10,30,10,30,10,30          60   20  10.6904   20+32.0713=52.0713  20+max(53.45,60)=80  warning, ratio 3
 *   justbelow  10,30,10,30,10,30,10,30          52   20  10.6904   52.0713        80         none: 3·sd decides, 52 < 52.07
 *   crit       20 ×8                            80   20  0         40             20+max(0,60)=80  critical (at the boundary), ratio 4
 *   few        W-9, W-3, W-2, W-1: 10 each      100  —   —         only 3 of the 8 slots have a row (W-9 is not a slot) → none
 *   four       W-8, W-6, W-4, W-2: 10 each      50   10  0         20             40         critical with exactly 4 windows, ratio 5
 *   zero       0 ×8                             50   0   0         0              0          critical; ratio NULL (m = 0)
 *   next       W-7 … W-1: 20 each; W+1: 60      20   20  0 (7 windows)            none in W: 20 < 50
 *   *          (nothing seeded)                 511  no baseline → none
 *
 * warn/justbelow: deviations ±10 → Σ = 8·100 = 800; sd = √(800/7) = 10.690449676; 3·sd = 32.071349029,
 *   5·sd = 53.452248382 < 3·m = 60.
 * Catch-up: next's W+1 row was stored before W ran. W is in W+1's baseline, so W's step recomputes
 * W+1's alert: slots W-7 … W = 7 stored 20s + W's fresh 20 → 8 windows, m 20, sd 0; 60 ≥ 40 and
 * < 80 → warning, ratio 3 (without W it would say 7 windows).
 */
const W = windowOf("2026-11-28T12:00:00.000Z");
const NEXT = windowOf("2026-11-28T12:15:00.000Z");
const ROOT = fixtureRoot("volume");
const SLOT = 15 * 60_000;

/** Seeded n_tweets by window offset from W (−9 … +1). */
const SEEDS: Record<string, Record<number, number>> = {
  floor: byOffset([20, 20, 20, 20, 20, 20, 20, 20]),
  atfloor: byOffset([20, 20, 20, 20, 20, 20, 20, 20]),
  warn: byOffset([10, 30, 10, 30, 10, 30, 10, 30]),
  justbelow: byOffset([10, 30, 10, 30, 10, 30, 10, 30]),
  crit: byOffset([20, 20, 20, 20, 20, 20, 20, 20]),
  few: { [-9]: 10, [-3]: 10, [-2]: 10, [-1]: 10 },
  four: { [-8]: 10, [-6]: 10, [-4]: 10, [-2]: 10 },
  zero: byOffset([0, 0, 0, 0, 0, 0, 0, 0]),
  next: { [-7]: 20, [-6]: 20, [-5]: 20, [-4]: 20, [-3]: 20, [-2]: 20, [-1]: 20, [1]: 60 },
};

/** W-8 … W-1. */
function byOffset(values: number[]): Record<number, number> {
  return Object.fromEntries(values.map((v, k) => [k - 8, v]));
}

/** The seeded rows, but `withheld` (a topic's row at an offset). */
function seedRows(withheld?: { topic: string; offset: number }) {
  return Object.entries(SEEDS).flatMap(([topic, s]) =>
    Object.entries(s).flatMap(([offset, n]) => {
      if (topic === withheld?.topic && Number(offset) === withheld.offset) return [];
      const start = new Date(W.start.getTime() + Number(offset) * SLOT);
      return {
        window_start: start,
        window_end: new Date(start.getTime() + SLOT),
        topic,
        n_tweets: n,
        n_scored: 0,
        avg_score: null,
        avg_magnitude: null,
        pos_share: null,
        neg_share: null,
      };
    }),
  );
}

async function seed(r: ResultsDb, withheld?: { topic: string; offset: number }): Promise<void> {
  await r.db.insertInto("sentiment_window").values(seedRows(withheld)).execute();
}

const SD = 10.690449676; // √(800/7)
const alert = (
  w: typeof W,
  topic: string,
  severity: string,
  n_tweets: number,
  mean: number,
  sd: number,
  windows: number,
  ratio: number | null,
) => ({
  window_start: w.start.toISOString(),
  window_end: w.end.toISOString(),
  topic,
  severity,
  n_tweets,
  baseline_mean: mean,
  baseline_sd: sd,
  baseline_windows: windows,
  ratio,
});
const EXPECTED = [
  alert(W, "atfloor", "warning", 50, 20, 0, 8, 2.5),
  alert(W, "crit", "critical", 80, 20, 0, 8, 4),
  alert(W, "four", "critical", 50, 10, 0, 4, 5),
  alert(W, "warn", "warning", 60, 20, SD, 8, 3),
  alert(W, "zero", "critical", 50, 0, 0, 8, null),
  alert(NEXT, "next", "warning", 60, 20, 0, 8, 3),
];

async function volumeRows(r: ResultsDb) {
  const rows = await r.db
    .selectFrom("volume_alert")
    .selectAll()
    .orderBy("window_start")
    .orderBy("topic")
    .execute();
  return rows.map((x) => ({
    window_start: x.window_start.toISOString(),
    window_end: x.window_end.toISOString(),
    topic: x.topic,
    severity: x.severity,
    n_tweets: Number(x.n_tweets),
    baseline_mean: r9(x.baseline_mean),
    baseline_sd: r9(x.baseline_sd),
    baseline_windows: x.baseline_windows,
    ratio: r9(x.ratio),
  }));
}

/**
 * Overlapping runs (emr/scheduler/README.md, "Overlapping runs") hold for the volume alert too:
 * another run commits four's W-2 row while W's step runs. Without it four has 3 baseline windows
 * (no alert); W's step must wait for the history lock, see W-2 under it, compute its volume alert
 * again and store the in-order alerts (four: critical with 4 windows). The "other run" is this
 * test's transaction, holding the lock with the row inserted until the step waits for the lock.
 * Its one spark-submit also checks every number of the table above: the run ends in-order, so the
 * alerts a plain run of W stores are these (one submit, not one per property). The checks read
 * sentiment_window and the two alerts it feeds, so the step runs a job of those three (`testJob`).
 */
describe("sparkgen window step: a volume baseline window committed by another run while W runs", () => {
  const LATE = { topic: "four", offset: -2 };
  let r: ResultsDb;
  let job: TestJob;
  beforeAll(async () => {
    job = testJob([sentimentWindow, sentimentAlert, volumeAlert]);
    r = await resultsDb("sg_volume_overlap");
    await seed(r, LATE);
  }, SPARK_TIMEOUT);
  afterAll(async () => {
    job?.remove();
    await r?.db.destroy();
  });

  it(
    "W waits for the history lock, recomputes its volume alert with W-2, and stores the in-order alerts, W+1's recomputed",
    async () => {
      const s = await stepWhileHistoryIsWritten(
        r,
        W,
        inputsFor(ROOT, W),
        async (other) => {
          const start = new Date(W.start.getTime() + LATE.offset * SLOT);
          await other.query(
            "insert into sentiment_window (window_start, window_end, topic, n_tweets, n_scored) values ($1, $2, $3, 10, 0)",
            [start, new Date(start.getTime() + SLOT), LATE.topic],
          );
        },
        { plan: job.plan },
      );
      expect(s.code, why(s)).toBe(0);
      expect(s.result?.events).toBe(511);
      const recomputed = "volume_alert: another run committed part of its history meanwhile";
      expect(`${s.stdout}${s.stderr}`.includes(recomputed), why(s)).toBe(true);
      const counts = await r.db
        .selectFrom("sentiment_window")
        .select(["topic", "n_tweets"])
        .where("window_start", "=", W.start)
        .orderBy("topic")
        .execute();
      expect(counts.map((c) => [c.topic, Number(c.n_tweets)])).toEqual([
        ["*", 511],
        ["atfloor", 50],
        ["crit", 80],
        ["few", 100],
        ["floor", 49],
        ["four", 50],
        ["justbelow", 52],
        ["next", 20],
        ["warn", 60],
        ["zero", 50],
      ]);
      // The in-order alerts: at and above the floor against each topic's baseline, and W+1's
      // recomputed (its baseline holds W).
      expect(await volumeRows(r)).toEqual(EXPECTED);
      // Unscored tweets: no sentiment alert.
      expect(await r.db.selectFrom("sentiment_alert").selectAll().execute()).toEqual([]);

      // The one alert view lists them with their kind; value is the window's n_tweets.
      const { rows } = await sql<{ kind: string; topic: string; measure: string; value: number }>`
        select kind, topic, measure, value from alerts order by window_start, topic`.execute(r.db);
      expect(rows).toEqual(
        EXPECTED.map((a) => ({
          kind: "volume_alert",
          topic: a.topic,
          measure: "n_tweets",
          value: a.n_tweets,
        })),
      );
    },
    SPARK_TIMEOUT,
  );
});
