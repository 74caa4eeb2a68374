import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TrendsError } from "../../runtime/errors/index.ts";
import {
  allAlerts,
  type Database,
  listTopics,
  metricRows,
  migrateToLatest,
  openDb,
  pipelineRuns,
  readMetric,
  sentimentAlerts,
  sentimentTimeline,
  topInfluencers,
  topWords,
} from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";
import { HOSTILE_NAME, HOSTILE_TOPIC, seedResults, W1, W2, W3, W4 } from "./seed.ts";

const from = new Date(W1);
const to = new Date(W3);

describe("sql queries on seeded results", () => {
  let db: Kysely<Database>;
  beforeAll(async () => {
    db = openDb(await freshDatabase("queries"));
    await migrateToLatest(db);
    await seedResults(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it("top influencers: sum of window scores, ties by followers then author id", async () => {
    const rows = await topInfluencers(db, { topic: "acme", from, to });
    // a2: 0.5 + 0.8; a1 0.9 (followers 100) beats a3 0.4 + 0.5 (followers max 60);
    // a4 and a5: 0.3 with 1000 followers each → author id.
    expect(rows).toEqual([
      {
        position: 1,
        authorId: "a2",
        username: "bobby",
        score: 1.3,
        windows: 2,
        bestRank: 1,
        tweets: 4,
        retweets: 10,
        favourites: 3,
        followers: 310,
        depth: 3,
      },
      {
        position: 2,
        authorId: "a1",
        username: "alice",
        score: 0.9,
        windows: 1,
        bestRank: 1,
        tweets: 2,
        retweets: 10,
        favourites: 5,
        followers: 100,
        depth: 2,
      },
      {
        position: 3,
        authorId: "a3",
        username: "carol",
        score: 0.9,
        windows: 2,
        bestRank: 2,
        tweets: 2,
        retweets: 1,
        favourites: 1,
        followers: 60,
        depth: 1,
      },
      {
        position: 4,
        authorId: "a4",
        username: "dave",
        score: 0.3,
        windows: 1,
        bestRank: 3,
        tweets: 1,
        retweets: 0,
        favourites: 0,
        followers: 1000,
        depth: 0,
      },
      {
        position: 5,
        authorId: "a5",
        username: HOSTILE_NAME,
        score: 0.3,
        windows: 1,
        bestRank: 4,
        tweets: 1,
        retweets: 0,
        favourites: 0,
        followers: 1000,
        depth: 0,
      },
    ]);
    const top2 = await topInfluencers(db, { topic: "acme", from, to, limit: 2 });
    expect(top2.map((r) => r.authorId)).toEqual(["a2", "a1"]);
    expect(await topInfluencers(db, { topic: "no-such-topic", from, to })).toEqual([]);
    const all = await topInfluencers(db, { from, to });
    expect(all.map((r) => [r.authorId, r.score, r.tweets])).toEqual([["a1", 0.2, 9]]);
  });

  it("sentiment timeline with the alert of each window", async () => {
    expect(await sentimentTimeline(db, { topic: "acme", from, to })).toEqual([
      {
        windowStart: new Date(W1),
        windowEnd: new Date(W2),
        nTweets: 10,
        nScored: 8,
        avgScore: 0.25,
        avgMagnitude: 0.5,
        posShare: 0.5,
        negShare: 0.125,
        alert: null,
      },
      {
        windowStart: new Date(W2),
        windowEnd: new Date(W3),
        nTweets: 20,
        nScored: 20,
        avgScore: -0.4,
        avgMagnitude: 0.9,
        posShare: 0.1,
        negShare: 0.7,
        alert: { severity: "critical", drop: 0.65, baselineMean: 0.25, baselineSd: 0.05 },
      },
    ]);
    // limit keeps the latest windows, still oldest first.
    const last = await sentimentTimeline(db, {
      topic: "acme",
      from,
      to: new Date("2026-11-27T00:00:00Z"),
      limit: 2,
    });
    expect(last.map((p) => p.windowStart.toISOString())).toEqual([W2, W3]);
    const empty = await sentimentTimeline(db, { from, to });
    expect(empty).toEqual([
      {
        windowStart: new Date(W1),
        windowEnd: new Date(W2),
        nTweets: 0,
        nScored: 0,
        avgScore: null,
        avgMagnitude: null,
        posShare: null,
        negShare: null,
        alert: null,
      },
    ]);
  });

  it("word-cloud terms: summed counts, top N by count then word", async () => {
    expect(await topWords(db, { topic: "acme", from, to })).toEqual([
      { word: "brand", count: 9 },
      { word: "launch", count: 7 },
      { word: "#acme", count: 3 },
      { word: "o'brien--", count: 3 },
      { word: "it's", count: 2 },
      { word: "café", count: 1 },
    ]);
    expect(await topWords(db, { topic: "acme", from, to, limit: 3 })).toEqual([
      { word: "brand", count: 9 },
      { word: "launch", count: 7 },
      { word: "#acme", count: 3 },
    ]);
  });

  it("generic readers: stored rows typed by the generated interface; ranked leaders equal topWords", async () => {
    const rows = await metricRows(db, "word_window", { topic: "acme", from, to, limit: 3 });
    // The last 3 rows of the range in key order (window, topic, word), `word`/`count`/`rank` typed by
    // WordWindowTable: W2's words after "#acme".
    const shown: Array<[string, number, number]> = rows.map((r) => [r.word, r.count, r.rank]);
    expect(shown).toEqual([
      ["brand", 4, 1],
      ["launch", 4, 2],
      ["o'brien--", 3, 3],
    ]);
    const words = await topWords(db, { topic: "acme", from, to });
    const ranked = await readMetric(db, "word_window", { topic: "acme", from, to, limit: 100 });
    expect(ranked.rows.map((r) => ({ word: r.word, count: r.count }))).toEqual(words);
    // An influencer's label (username) is the latest one, grouped by the key (author_id). A score
    // does not add up over windows: ranked by each author's best window (alice 0.9, bobby 0.8), it
    // and the other per-window measures shown only for one-window rows; tweets add, followers max.
    const inf = await readMetric(db, "influencer_window", { topic: "acme", from, to, limit: 2 });
    expect(inf.rows).toEqual([
      {
        ...{ author_id: "a1", username: "alice", score: 0.9, tweets: 2, retweets: 10, favourites: 5 },
        ...{ followers: 100, depth: 2, windows: 1, best_rank: 1 },
      },
      {
        ...{ author_id: "a2", username: "bobby", score: null, tweets: 4, retweets: null, favourites: null },
        ...{ followers: 310, depth: null, windows: 2, best_rank: 1 },
      },
    ]);
    expect(Object.keys(inf.notAdditive)).toEqual(["score", "retweets", "favourites", "depth"]);
  });

  it("alerts over a range, for one topic or all", async () => {
    const acme = await sentimentAlerts(db, { topic: "acme", from, to });
    // The stored row as the generated type has it (SentimentAlert), under its SQL names.
    expect(acme).toEqual([
      {
        window_start: new Date(W2),
        window_end: new Date(W3),
        topic: "acme",
        severity: "critical",
        avg_score: -0.4,
        baseline_mean: 0.25,
        baseline_sd: 0.05,
        baseline_windows: 4,
        drop: 0.65,
        n_scored: 20,
        threshold: 0.4,
        rule: "max(0.4, 3·baseline_sd)",
        computed_at: expect.any(Date),
      },
    ]);
    const all = await sentimentAlerts(db, { from, to: new Date("2026-11-27T00:00:00Z"), allTopics: true });
    expect(all.map((a) => [a.window_start.toISOString(), a.topic, a.severity])).toEqual([
      [W3, "acme", "warning"],
      [W2, "*", "warning"],
      [W2, "acme", "critical"],
    ]);
  });

  it("every alert kind through the alerts view, newest first, then topic and kind; --kind narrows", async () => {
    await db
      .insertInto("volume_alert")
      .values({
        window_start: W2,
        window_end: W3,
        topic: "acme",
        severity: "warning",
        n_tweets: 120,
        baseline_mean: 40,
        baseline_sd: 5,
        baseline_windows: 6,
        ratio: 3,
        threshold: 80,
        rule: "baseline_mean + max(3·baseline_sd, baseline_mean)",
      })
      .execute();
    try {
      const acme = await allAlerts(db, { topic: "acme", from, to });
      expect(acme).toEqual([
        {
          kind: "sentiment_alert",
          window_start: new Date(W2),
          window_end: new Date(W3),
          topic: "acme",
          severity: "critical",
          dimension: null,
          entity: null,
          measure: "avg_score",
          value: -0.4,
          baseline_mean: 0.25,
          baseline_sd: 0.05,
          baseline_windows: 4,
          threshold: 0.4,
          rule: "max(0.4, 3·baseline_sd)",
          computed_at: expect.any(Date),
          details: { drop: 0.65, n_scored: 20 },
        },
        {
          kind: "volume_alert",
          window_start: new Date(W2),
          window_end: new Date(W3),
          topic: "acme",
          severity: "warning",
          dimension: null,
          entity: null,
          measure: "n_tweets",
          value: 120,
          baseline_mean: 40,
          baseline_sd: 5,
          baseline_windows: 6,
          threshold: 80,
          rule: "baseline_mean + max(3·baseline_sd, baseline_mean)",
          computed_at: expect.any(Date),
          details: { ratio: 3 },
        },
      ]);
      const volume = await allAlerts(db, { from, to, allTopics: true, kind: "volume_alert" });
      expect(volume.map((a) => [a.topic, a.kind])).toEqual([["acme", "volume_alert"]]);
    } finally {
      await db.deleteFrom("volume_alert").execute();
    }
  });

  it("pipeline runs: attempts, durations, bad records", async () => {
    const runs = await pipelineRuns(db, { from, to });
    expect(
      runs.map((r) => [
        r.windowStart.toISOString(),
        r.attempt,
        r.attempts,
        r.status,
        r.runner,
        r.durationMs,
        r.badRecords,
        r.error,
      ]),
    ).toEqual([
      [W2, 1, 1, "running", "local", null, null, null],
      [W1, 2, 2, "succeeded", "emr", 60_000, 2, null],
      [W1, 1, 2, "failed", "local", 90_000, 1, "spark-submit exited 1"],
    ]);
    expect(runs[1]).toMatchObject({
      stepId: "s-1A2B",
      duplicates: 5,
      rowsRead: 100,
      inputObjects: 3,
      owner: "ops",
    });
    const failed = await pipelineRuns(db, { from, to, status: "failed" });
    expect(failed.map((r) => r.attempt)).toEqual([1]);
  });

  it("topics with results: * first, then by name", async () => {
    expect(await listTopics(db)).toEqual([
      { topic: "*", windows: 1, firstWindowStart: new Date(W1), lastWindowEnd: new Date(W2) },
      { topic: "acme", windows: 3, firstWindowStart: new Date(W1), lastWindowEnd: new Date(W4) },
      { topic: HOSTILE_TOPIC, windows: 1, firstWindowStart: new Date(W1), lastWindowEnd: new Date(W2) },
    ]);
  });

  it("BI views: daily influencers and words, alerts with tweet counts, runs with durations", async () => {
    const inf = await sql<{ author_id: string; score_sum: number; windows: number; daily_rank: number }>`
      select author_id, score_sum, windows, daily_rank::int from v_top_influencers_daily
      where day = '2026-11-26' and topic = 'acme' order by daily_rank`.execute(db);
    // Over the whole day W3 counts too: a4 0.3 + 1.0 ties a2 0.5 + 0.8 and wins on followers.
    expect(inf.rows.map((r) => [r.author_id, r.score_sum, r.windows, r.daily_rank])).toEqual([
      ["a4", 1.3, 2, 1],
      ["a2", 1.3, 2, 2],
      ["a1", 0.9, 1, 3],
      ["a3", 0.9, 2, 4],
      ["a5", 0.3, 1, 5],
    ]);
    const words = await sql<{ word: string; count: number }>`
      select word, count from v_words_daily where day = '2026-11-26' and topic = 'acme' and daily_rank <= 3
      order by daily_rank`.execute(db);
    expect(words.rows).toEqual([
      { word: "brand", count: 109 },
      { word: "launch", count: 7 },
      { word: "#acme", count: 3 },
    ]);
    const alerts = await sql<{ topic: string; severity: string; n_tweets: number | null }>`
      select topic, severity, n_tweets from v_alerts where window_start = ${W2} order by topic`.execute(db);
    expect(alerts.rows).toEqual([
      { topic: "*", severity: "warning", n_tweets: null },
      { topic: "acme", severity: "critical", n_tweets: 20 },
    ]);
    const runs = await sql<{ attempt: number; duration_seconds: number | null; latest_attempt: boolean }>`
      select attempt, duration_seconds, latest_attempt from v_pipeline_runs
      where window_start in (${W1}, ${W2}) order by window_start, attempt`.execute(db);
    expect(runs.rows).toEqual([
      { attempt: 1, duration_seconds: 90, latest_attempt: false },
      { attempt: 2, duration_seconds: 60, latest_attempt: true },
      { attempt: 1, duration_seconds: null, latest_attempt: true },
    ]);
  });

  it("hostile strings round-trip as values; NUL is rejected cleanly", async () => {
    const points = await sentimentTimeline(db, { topic: HOSTILE_TOPIC, from, to });
    expect(points.map((p) => [p.nTweets, p.avgScore])).toEqual([[1, -1]]);
    expect(await topInfluencers(db, { topic: `'; drop table influencer_window; --`, from, to })).toEqual([]);

    const nulTopic = topWords(db, { topic: "ac\u0000me", from, to });
    await expect(nulTopic).rejects.toBeInstanceOf(TrendsError);
    await expect(nulTopic).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("NUL") });
    const nulInsert = db
      .insertInto("word_window")
      .values({ window_start: W1, window_end: W2, topic: "acme", word: "a\u0000b", count: 1, rank: 9 })
      .execute();
    await expect(nulInsert).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("NUL") });
    // Nothing was written, and the tables are still there.
    expect((await topWords(db, { topic: "acme", from, to })).length).toBe(6);
  });

  it("rejects a bad limit as a usage error", async () => {
    await expect(topWords(db, { topic: "acme", from, to, limit: 0 })).rejects.toMatchObject({ exitCode: 2 });
    await expect(topWords(db, { topic: "acme", from, to, limit: 1.5 })).rejects.toMatchObject({
      exitCode: 2,
    });
  });

  it("CHECK constraints refuse values outside the contract", async () => {
    const bad = [
      db.insertInto("influencer_window").values({
        window_start: W3,
        window_end: W2,
        topic: "x",
        author_id: "a",
        username: "u",
        rank: 1,
        score: 0.5,
        tweets: 0,
        retweets: 0,
        favourites: 0,
        followers: 0,
        depth: 0,
      }),
      db.insertInto("influencer_window").values({
        window_start: W1,
        window_end: W2,
        topic: "x",
        author_id: "a",
        username: "u",
        rank: 0,
        score: 0.5,
        tweets: 0,
        retweets: 0,
        favourites: 0,
        followers: 0,
        depth: 0,
      }),
      db.insertInto("influencer_window").values({
        window_start: W1,
        window_end: W2,
        topic: "x",
        author_id: "a",
        username: "u",
        rank: 1,
        score: 1.01,
        tweets: 0,
        retweets: 0,
        favourites: 0,
        followers: 0,
        depth: 0,
      }),
      db.insertInto("influencer_window").values({
        window_start: W1,
        window_end: W2,
        topic: "x",
        author_id: "a",
        username: "u",
        rank: 1,
        score: 0.5,
        tweets: 0,
        retweets: 0,
        favourites: 0,
        followers: 0,
        depth: 9,
      }),
      db.insertInto("sentiment_window").values({
        window_start: W3,
        window_end: W2,
        topic: "x",
        n_tweets: 1,
        n_scored: 1,
        avg_score: 0,
        avg_magnitude: 0,
        pos_share: 1.5,
        neg_share: 0,
      }),
      db.insertInto("sentiment_alert").values({
        window_start: W1,
        window_end: W2,
        topic: "x",
        severity: "panic" as "warning",
        avg_score: 0,
        baseline_mean: 0,
        baseline_sd: 0,
        baseline_windows: 4,
        drop: 0,
        n_scored: 1,
        threshold: 0.2,
        rule: "max(0.2, 2·baseline_sd)",
      }),
      db.insertInto("pipeline_run").values({
        window_start: W1,
        window_end: W2,
        attempt: 1,
        status: "done" as "failed",
        runner: "local",
        started_at: W1,
      }),
    ];
    for (const q of bad) await expect(q.execute()).rejects.toMatchObject({ code: "23514" });
  });
});
