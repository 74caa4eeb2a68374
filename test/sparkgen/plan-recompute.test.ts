import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishAttempt, startAttempt } from "../../emr/index.ts";
import type { Window } from "../../runtime/windows/index.ts";
import {
  changeReport,
  committedManifest,
  type LiveState,
  manifestHashes,
  readLiveState,
  renderMarkdown,
  workingManifest,
} from "../../sparkgen/changes/index.ts";
import { e } from "../../sparkgen/specs/events.ts";
import { influencerWindow, sentimentWindow, windowJob } from "../../sparkgen/specs/index.ts";
import { migratedDb, type TestDb, windowOf } from "../emr/scheduler-support.ts";

/*
 * The recompute list of `trends sparkgen plan` from a seeded pipeline_run on the suite's
 * PostgreSQL: attempts recorded by the scheduler's own `startAttempt`/`finishAttempt` with the
 * SQL hashes of the shipped plan or of the changed one. No Spark.
 */
const base = committedManifest();
const weights = workingManifest({
  ...windowJob,
  metrics: windowJob.metrics.map((m) =>
    m.name === "influencer_window"
      ? { ...influencerWindow, weights: { ...influencerWindow.weights, retweets: 0.45, favourites: 0.15 } }
      : m,
  ),
});
const W = ["04:00", "04:15", "04:30", "04:45", "05:00", "05:15"].map((t) => windowOf(`2026-11-24T${t}:00Z`));

let t: TestDb;
let live: LiveState;

async function attempt(
  w: Window,
  status: "succeeded" | "failed",
  hashes: Record<string, string> | undefined,
) {
  const run = await startAttempt(t.db, {
    window: w,
    runner: "local",
    owner: "test:plan",
    inputObjects: 1,
    inputFingerprint: "fp",
    sqlHashes: hashes,
  });
  await finishAttempt(t.db, run.id, { status });
}

beforeAll(async () => {
  t = await migratedDb("planrc");
  const old = manifestHashes(base);
  await attempt(W[0]!, "succeeded", undefined); // before migration 0008: nothing recorded
  await attempt(W[1]!, "succeeded", old);
  await attempt(W[2]!, "succeeded", old);
  await attempt(W[3]!, "succeeded", old);
  await attempt(W[3]!, "succeeded", manifestHashes(weights)); // already recomputed with the new SQL
  await attempt(W[4]!, "succeeded", old);
  await attempt(W[4]!, "failed", manifestHashes(weights)); // a failed rerun changes nothing stored
  await attempt(W[5]!, "failed", old); // never succeeded: the scheduler's business, not a recompute
  // The live schema lags one column behind the specs.
  await sql`alter table sentiment_window drop column neg_share cascade`.execute(t.db);
  live = await readLiveState(t.db);
});

afterAll(async () => {
  await t?.db.destroy();
});

describe("recompute list from pipeline_run", () => {
  it("records the SQL hashes with each attempt", async () => {
    const rows = await t.db
      .selectFrom("pipeline_run")
      .select(["attempt", "sql_hashes"])
      .orderBy("id")
      .execute();
    expect(rows[0]!.sql_hashes).toBeNull();
    expect(rows[1]!.sql_hashes).toEqual(manifestHashes(base));
    expect(live.migrations).toContain("0008_run_sql_hashes");
    expect(live.runs.map((r) => r.windowStart.toISOString().slice(11, 16))).toEqual([
      "04:00",
      "04:15",
      "04:30",
      "04:45",
      "05:00",
    ]);
  });

  it("lists the windows whose newest succeeded run used the old SQL of the changed metric", () => {
    const r = changeReport({ head: weights, base: { label: "HEAD", manifest: base }, runs: live.runs });
    expect(r.recomputeMetrics).toEqual(["influencer_window"]);
    expect(r.recompute!.windows.map((w) => w.start.toISOString().slice(11, 16))).toEqual([
      "04:15",
      "04:30",
      "05:00",
    ]);
    expect(r.recompute!.unrecorded.map((w) => w.start.toISOString().slice(11, 16))).toEqual(["04:00"]);
    expect(r.commands).toEqual([
      "trends schedule --backfill --metrics influencer_window --input RAW_TREE",
      "trends run --input RAW_TREE --from 2026-11-24T04:15:00Z --to 2026-11-24T04:45:00Z",
      "trends run --input RAW_TREE --from 2026-11-24T05:00:00Z --to 2026-11-24T05:15:00Z",
    ]);
    expect(renderMarkdown(r).join("\n")).toContain("3 window(s) last ran another SQL for influencer_window");
  });

  it("a sentiment formula change lists the alert as stale too; the unchanged job lists nothing", () => {
    const formula = workingManifest({
      ...windowJob,
      metrics: windowJob.metrics.map((m) =>
        m.name === "sentiment_window"
          ? {
              ...sentimentWindow,
              measures: { ...sentimentWindow.measures, avg_score: e.avg("sentiment_magnitude") },
            }
          : m,
      ),
    });
    const r = changeReport({ head: formula, base: { label: "HEAD", manifest: base }, runs: live.runs });
    expect(r.recomputeMetrics).toEqual(["sentiment_window", "sentiment_alert"]);
    expect(r.recompute!.windows.map((w) => [w.start.toISOString().slice(11, 16), w.metrics])).toEqual(
      ["04:15", "04:30", "04:45", "05:00"].map((x) => [x, ["sentiment_window", "sentiment_alert"]]),
    );
    const same = changeReport({ head: base, base: { label: "HEAD", manifest: base }, runs: live.runs });
    expect(same.recompute!.windows).toEqual([]);
  });

  it("with the database as the base: SQL changes by hash, a lagging column, a new table", () => {
    const withVolume = workingManifest({
      ...windowJob,
      metrics: [
        ...windowJob.metrics.map((m) =>
          m.name === "influencer_window"
            ? {
                ...influencerWindow,
                weights: { ...influencerWindow.weights, retweets: 0.45, favourites: 0.15 },
              }
            : m,
        ),
        {
          ...sentimentWindow,
          name: "volume_window",
          description: "tweets per topic",
          measures: { n: e.count() },
        },
      ],
    });
    const r = changeReport({ head: withVolume, base: { label: "database", live } });
    const by = (n: string) => r.diff.metrics.find((m) => m.name === n)!;
    expect(by("influencer_window").category).toBe("breaking");
    // the newest run recorded the shipped SQL's hash
    const shipped = manifestHashes(base).influencer_window!;
    expect(by("influencer_window").reasons[0]!.text).toMatch(
      new RegExp(
        `^its SQL differs from what the newest run \\(window 2026-11-24T05:00:00.000Z\\) used: ${shipped} → [0-9a-f]{16}`,
      ),
    );
    expect(by("sentiment_window").category).toBe("non-breaking");
    expect(by("sentiment_window").migration).toEqual([
      'alter table "sentiment_window" add column "neg_share" double precision',
      'alter table "sentiment_window" add constraint "sentiment_window_neg_share" check ("neg_share" between 0 and 1)',
    ]);
    expect(by("volume_window").category).toBe("non-breaking");
    expect(by("volume_window").migration[0]).toMatch(/^create table "volume_window" \(/);
    expect(r.recompute!.windows.map((w) => w.start.toISOString().slice(11, 16))).toEqual([
      "04:15",
      "04:30",
      "05:00",
    ]);
  });
});
