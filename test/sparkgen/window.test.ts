import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EXPECTED_INFLUENCERS,
  EXPECTED_SENTIMENT,
  EXPECTED_STATS,
  EXPECTED_WORDS,
  MAIN,
  W,
} from "./main-window.ts";
import {
  alertRows,
  influencerRows,
  inputsFor,
  type ResultsDb,
  resultsDb,
  runWindowStep,
  SPARK_TIMEOUT,
  type StepRun,
  sentimentRows,
  why,
  windowOf,
  wordRows,
} from "./support.ts";

describe("sparkgen window step: the main fixture window, by hand", () => {
  let r: ResultsDb;
  let first: StepRun;
  const OTHER = windowOf("2026-11-26T04:30:00.000Z");

  beforeAll(async () => {
    r = await resultsDb("sg_window");
    // A stale row of W (must be replaced) and a row of another window (must survive).
    await r.db
      .insertInto("word_window")
      .values({ window_start: W.start, window_end: W.end, topic: "*", word: "stale", count: 99, rank: 1 })
      .execute();
    await r.db
      .insertInto("sentiment_window")
      .values({
        window_start: OTHER.start,
        window_end: OTHER.end,
        topic: "*",
        n_tweets: 3,
        n_scored: 0,
        avg_score: null,
        avg_magnitude: null,
        pos_share: null,
        neg_share: null,
      })
      .execute();
    await r.db
      .insertInto("pipeline_run")
      .values(
        [1, 2].map((attempt) => ({
          window_start: W.start,
          window_end: W.end,
          attempt,
          status: "running" as const,
          runner: "local" as const,
          started_at: new Date(),
        })),
      )
      .execute();
    first = await runWindowStep(r, W, inputsFor(MAIN, W), { runId: 1 });
  }, SPARK_TIMEOUT);
  afterAll(async () => {
    await r?.db.destroy();
  });

  it("succeeds and reports the input it read", async () => {
    expect(first.code, why(first)).toBe(0);
    expect(first.result).toEqual(EXPECTED_STATS);
    const run = await r.db
      .selectFrom("pipeline_run")
      .selectAll()
      .where("attempt", "=", 1)
      .executeTakeFirstOrThrow();
    expect({ rows_read: run.rows_read, bad_records: run.bad_records, duplicates: run.duplicates }).toEqual({
      rows_read: 30,
      bad_records: 8,
      duplicates: 2,
    });
  });

  it("writes the hand-computed sentiment per topic", async () => {
    expect(await sentimentRows(r.db, W)).toEqual(EXPECTED_SENTIMENT);
  });

  it("writes the hand-computed influencers per topic", async () => {
    expect(await influencerRows(r.db, W)).toEqual(EXPECTED_INFLUENCERS);
  });

  it("writes the hand-computed words per topic and drops the stale row", async () => {
    expect(await wordRows(r.db, W)).toEqual(EXPECTED_WORDS);
  });

  it("raises no alert without a baseline and leaves other windows alone", async () => {
    expect(await alertRows(r.db)).toEqual([]);
    expect((await sentimentRows(r.db, OTHER)).map((x) => x.n_tweets)).toEqual([3]);
  });

  it(
    "rerunning the window leaves exactly one copy of the same rows",
    async () => {
      const before = {
        sentiment: await sentimentRows(r.db, W),
        influencers: await influencerRows(r.db, W),
        words: await wordRows(r.db, W),
      };
      const again = await runWindowStep(r, W, inputsFor(MAIN, W), { runId: 2 });
      expect(again.code, why(again)).toBe(0);
      expect(again.result).toEqual(EXPECTED_STATS);
      expect({
        sentiment: await sentimentRows(r.db, W),
        influencers: await influencerRows(r.db, W),
        words: await wordRows(r.db, W),
      }).toEqual(before);
      const counts = await sql<{ t: string; n: number }>`
      select 'sentiment' as t, count(*)::int as n from sentiment_window where window_start = ${W.start}
      union all select 'influencer', count(*)::int from influencer_window where window_start = ${W.start}
      union all select 'word', count(*)::int from word_window where window_start = ${W.start}
      union all select 'alert', count(*)::int from sentiment_alert`.execute(r.db);
      expect(Object.fromEntries(counts.rows.map((x) => [x.t, x.n]))).toEqual({
        sentiment: 4,
        influencer: 19,
        word: 45,
        alert: 0,
      });
      const runs = await r.db
        .selectFrom("pipeline_run")
        .select(["attempt", "rows_read", "bad_records", "duplicates"])
        .orderBy("attempt")
        .execute();
      expect(runs).toEqual([
        { attempt: 1, rows_read: 30, bad_records: 8, duplicates: 2 },
        { attempt: 2, rows_read: 30, bad_records: 8, duplicates: 2 },
      ]);
    },
    SPARK_TIMEOUT,
  );

  it(
    "an empty window (no input prefix exists) writes one zero row for *",
    async () => {
      const empty = windowOf("2026-11-26T09:00:00.000Z");
      const inputs = inputsFor(MAIN, empty, "path"); // 08/ and 09/: neither exists
      expect(inputs.map((i) => i.slice(MAIN.length))).toEqual(["2026/11/26/08/", "2026/11/26/09/"]);
      const run = await runWindowStep(r, empty, inputs);
      expect(run.code, why(run)).toBe(0);
      expect(run.result).toEqual({ rows_read: 0, bad_records: 0, duplicates: 0, events: 0 });
      expect(await sentimentRows(r.db, empty)).toEqual([
        {
          topic: "*",
          window_end: empty.end.toISOString(),
          n_tweets: 0,
          n_scored: 0,
          avg_score: null,
          avg_magnitude: null,
          pos_share: null,
          neg_share: null,
        },
      ]);
      expect(await influencerRows(r.db, empty)).toEqual([]);
      expect(await wordRows(r.db, empty)).toEqual([]);
    },
    SPARK_TIMEOUT,
  );
});
