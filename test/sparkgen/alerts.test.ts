import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentimentAlert, sentimentWindow } from "../../sparkgen/specs/index.ts";
import {
  alertRows,
  fixtureRoot,
  inputsFor,
  type ResultsDb,
  resultsDb,
  runWindowStep,
  SPARK_TIMEOUT,
  type StepRun,
  sentimentRows,
  stepWhileHistoryIsWritten,
  type TestJob,
  testJob,
  why,
  windowOf,
} from "./support.ts";

/*
 * Sentiment alerts (docs/contracts.md, "Sentiment alert"): baseline = the previous 8 windows of the topic
 * with n_scored ≥ 20, at least 4 of them; drop = mean(baseline) − avg(W); alert when n_scored(W) ≥ 20
 * and drop ≥ max(0.2, 2·sd); critical when drop ≥ max(0.4, 3·sd); sd = sample standard deviation.
 *
 * W = [2026-11-27T12:00Z, 12:15Z). W-8 … W-2 (10:00 … 11:30) are seeded into sentiment_window;
 * W-1 (11:45) and W come from spark-submit over test/fixtures/sparkgen/alerts (generate.ts):
 *
 *   topic  W-8   W-7   W-6   W-5   W-4   W-3   W-2  | W-1 (step) | W (step)
 *   crit   .375  .625  .375  .625  .375  .625  .375 | .625 n=20  | 0     n=20  → critical
 *   warn   .375  .625  .375  .625  .375  .625  .375 | .625 n=20  | .125  n=20  → warning
 *   few    .375  .625  .375  .625  .375  .625  .375 | .625 n=20  | 0     n=19  → none: n_scored < 20
 *   small  .25   .75   .25   .75   .25   .75   .25  | .75  n=20  | 0     n=20  → none: drop < 2·sd
 *   calm   .5    .5    .5    .5    .5    .5    .5   | .5   n=20  | .375  n=20  → none: drop < 0.2
 *   late   .5 with n_scored 19,19,19,19,20,20,20    | .5   n=20  | .125  n=20  → warning only once
 *                                                                    W-1 is known (4 baseline windows)
 * Seeded windows have n_scored 20 unless stated.
 *
 * The same numbers in order (W-1, then W, in one range step) are the spec's own case
 * (sparkgen/specs/sentiment-alert.ts, run by `trends sparkgen test`); here the step runs W before
 * the late W-1, and W while another run commits W-1: what the scheduler's order and locks must get
 * right, one window per spark-submit as the scheduler submits them. The checks read sentiment and
 * its alert, so the steps run a job of those two (`testJob`).
 *
 * crit/warn/few baseline: mean 0.5; deviations ±0.125 → Σ = 8·0.015625 = 0.125; sd = √(0.125/7) = 0.133631;
 *   2·sd = 0.267261, 3·sd = 0.400892.
 *   crit: drop 0.5 ≥ max(0.4, 0.400892) → critical.   warn: drop 0.375 ≥ 0.267261, < 0.400892 → warning.
 * small: mean 0.5, deviations ±0.25 → sd = √(0.5/7) = 0.267261, 2·sd = 0.534522 > drop 0.5 → none.
 * calm: mean 0.5, sd 0, drop 0.125 < 0.2 → none.
 * late: baseline W-4, W-3, W-2, W-1 (the 19s do not count) → 4 windows, mean 0.5, sd 0; drop 0.375 ≥ 0.2,
 *   < 0.4 → warning. Before W-1 is known only 3 windows qualify → no alert.
 * W-1 itself: every topic's avg is at or above its baseline mean, and late has 3 windows → no alert.
 */
const W = windowOf("2026-11-27T12:00:00.000Z");
const WPREV = windowOf("2026-11-27T11:45:00.000Z");
const ROOT = fixtureRoot("alerts");

const SEEDS: Record<string, { avg: number[]; n?: number[] }> = {
  crit: { avg: [0.375, 0.625, 0.375, 0.625, 0.375, 0.625, 0.375] },
  warn: { avg: [0.375, 0.625, 0.375, 0.625, 0.375, 0.625, 0.375] },
  few: { avg: [0.375, 0.625, 0.375, 0.625, 0.375, 0.625, 0.375] },
  small: { avg: [0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25] },
  calm: { avg: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5] },
  late: { avg: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], n: [19, 19, 19, 19, 20, 20, 20] },
};

async function seedBaseline(r: ResultsDb): Promise<void> {
  const rows = Object.entries(SEEDS).flatMap(([topic, s]) =>
    s.avg.map((avg, k) => {
      const w = windowOf(new Date(W.start.getTime() - (8 - k) * 15 * 60_000).toISOString());
      const n = s.n?.[k] ?? 20;
      return {
        window_start: w.start,
        window_end: w.end,
        topic,
        n_tweets: n,
        n_scored: n,
        avg_score: avg,
        avg_magnitude: 0.5,
        pos_share: avg >= 0.25 ? 1 : 0,
        neg_share: 0,
      };
    }),
  );
  await r.db.insertInto("sentiment_window").values(rows).execute();
}

const SD8 = 0.133630621; // √(0.125/7)
const EXPECTED_ALERTS = [
  {
    window_start: W.start.toISOString(),
    topic: "crit",
    severity: "critical",
    avg_score: 0,
    baseline_mean: 0.5,
    baseline_sd: SD8,
    baseline_windows: 8,
    drop: 0.5,
    n_scored: 20,
  },
  {
    window_start: W.start.toISOString(),
    topic: "late",
    severity: "warning",
    avg_score: 0.125,
    baseline_mean: 0.5,
    baseline_sd: 0,
    baseline_windows: 4,
    drop: 0.375,
    n_scored: 20,
  },
  {
    window_start: W.start.toISOString(),
    topic: "warn",
    severity: "warning",
    avg_score: 0.125,
    baseline_mean: 0.5,
    baseline_sd: SD8,
    baseline_windows: 8,
    drop: 0.375,
    n_scored: 20,
  },
];

const sw = (topic: string, n_tweets: number, n_scored: number, avg: number, pos: number) => ({
  topic,
  window_end: W.end.toISOString(),
  n_tweets,
  n_scored,
  avg_score: avg,
  avg_magnitude: 0.5,
  pos_share: pos,
  neg_share: 0,
});
/** W's sentiment: 20 × 0 (crit, small), 20 × 0.125 (warn, late), 19 × 0 (few), 20 × 0.375 (calm). */
const EXPECTED_W_SENTIMENT = [
  // *: 79 tweets, Σ = 20·0.125 + 20·0.375 = 10 → 10/79 = 0.126582; ≥ 0.25: the 20 calm ones → 20/79
  sw("*", 79, 79, 0.126582278, 0.253164557),
  sw("calm", 20, 20, 0.375, 1),
  sw("crit", 20, 20, 0, 0),
  sw("few", 19, 19, 0, 0),
  sw("late", 20, 20, 0.125, 0),
  sw("small", 20, 20, 0, 0),
  sw("warn", 20, 20, 0.125, 0),
];

let job: TestJob;
beforeAll(() => {
  job = testJob([sentimentWindow, sentimentAlert]);
});
afterAll(() => job?.remove());

describe("sparkgen window step: sentiment alerts after a catch-up", () => {
  let catchUp: ResultsDb;
  const ok = (s: StepRun) => expect(s.code, why(s)).toBe(0);

  beforeAll(async () => {
    catchUp = await resultsDb("sg_alert_b");
    await seedBaseline(catchUp);
  }, SPARK_TIMEOUT);
  afterAll(async () => {
    await catchUp?.db.destroy();
  });

  it(
    "catch-up (W first, then the late W-1) ends with the same alerts",
    async () => {
      ok(await runWindowStep(catchUp, W, inputsFor(ROOT, W), { plan: job.plan }));
      ok(await runWindowStep(catchUp, WPREV, inputsFor(ROOT, WPREV), { plan: job.plan }));
      expect(await sentimentRows(catchUp.db, W)).toEqual(EXPECTED_W_SENTIMENT);
      expect(await alertRows(catchUp.db)).toEqual(EXPECTED_ALERTS);
    },
    SPARK_TIMEOUT,
  );
});

/**
 * Overlapping runs (emr/scheduler/README.md, "Overlapping runs"): another run is committing W-1
 * while W's step runs. W's step must not commit an alert computed without W-1: it waits for the
 * history lock, sees W-1 under it, computes its alert again and ends with the in-order alerts.
 * The "other run" is this test's own transaction, holding the history lock with W-1's sentiment
 * inserted but not committed until W's step is seen waiting for the lock.
 */
/** W-1's sentiment as its step computes it from the fixture (see the table above). */
const W_PREV_SCORES: Record<string, number> = {
  crit: 0.625,
  warn: 0.625,
  few: 0.625,
  small: 0.75,
  calm: 0.5,
  late: 0.5,
};

describe("sparkgen window step: a baseline window committed by another run while W runs", () => {
  let r: ResultsDb;
  beforeAll(async () => {
    r = await resultsDb("sg_alert_overlap");
    await seedBaseline(r);
  }, SPARK_TIMEOUT);
  afterAll(async () => {
    await r?.db.destroy();
  });

  it(
    "W waits for the history lock, recomputes its alert with W-1, and stores the in-order alerts",
    async () => {
      const s = await stepWhileHistoryIsWritten(
        r,
        W,
        inputsFor(ROOT, W),
        async (other) => {
          for (const [topic, avg] of Object.entries(W_PREV_SCORES)) {
            await other.query(
              `insert into sentiment_window (window_start, window_end, topic, n_tweets, n_scored, avg_score,
               avg_magnitude, pos_share, neg_share) values ($1, $2, $3, 20, 20, $4, 0.5, 1, 0)`,
              [WPREV.start, WPREV.end, topic, avg],
            );
          }
        },
        { plan: job.plan },
      );
      expect(s.code, why(s)).toBe(0);
      expect(await alertRows(r.db)).toEqual(EXPECTED_ALERTS);
      const recomputed = "sentiment_alert: another run committed part of its history meanwhile";
      // PySpark sends the driver's stderr to spark-submit's stdout.
      expect(`${s.stdout}${s.stderr}`.includes(recomputed), why(s)).toBe(true);
    },
    SPARK_TIMEOUT,
  );
});
