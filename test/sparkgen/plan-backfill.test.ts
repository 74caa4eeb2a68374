import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  inputSource,
  LocalStepRunner,
  type ProcessDeps,
  runBackfill,
  runRange,
  verifyStoredWindows,
} from "../../emr/index.ts";
import { loadConfig } from "../../runtime/config/index.ts";
import {
  changeReport,
  committedManifest,
  planSqlHashes,
  readsOf,
  renderMarkdown,
  succeededRuns,
  workingManifest,
} from "../../sparkgen/changes/index.ts";
import { influencerWindow, windowJob } from "../../sparkgen/specs/index.ts";
import type { Database } from "../../sql/index.ts";
import { sparkInstall } from "../support/services.ts";
import { MAIN } from "./main-window.ts";
import {
  type ResultsDb,
  resultsDb,
  SPARK_TIMEOUT,
  type TestJob,
  testJob,
  WINDOW_PLAN,
  windowOf,
} from "./support.ts";

/*
 * The whole loop of issue 12 with real spark-submit: run three windows of the main fixture with
 * the shipped plan; change a weight in a copy of the job generated into a temp directory (never
 * the repository's spec); `plan` says breaking, names the weight and lists the three windows;
 * `trends schedule --backfill`'s code recomputes them with the new plan; the stored rows then
 * equal those of a fresh run of the new plan in another database. Before the backfill, `plan
 * --verify` recomputes the stored windows with the shipped job (equal: a compiler change alone is
 * results-equal) and with the changed one (influencer rows differ: breaking). Five spark-submits.
 */
const FROM = windowOf("2026-11-26T04:30:00.000Z");
const TO = windowOf("2026-11-26T05:00:00.000Z").end;
const NOW = new Date("2026-11-27T00:00:00Z");

const changedJob = {
  ...windowJob,
  metrics: windowJob.metrics.map((m) =>
    m.name === "influencer_window"
      ? { ...influencerWindow, weights: { ...influencerWindow.weights, retweets: 0.45, favourites: 0.15 } }
      : m,
  ),
};

let changed: TestJob;
let r: ResultsDb;
let fresh: ResultsDb;

const depsFor = (db: ResultsDb, plan: string): ProcessDeps => ({
  db: db.db,
  runner: new LocalStepRunner({ spark: sparkInstall(), master: "local[2]", jdbcUser: db.user, plan }),
  input: inputSource(MAIN),
  jdbcUrl: db.jdbcUrl,
  windowMinutes: 15,
  latenessMinutes: 10,
  maxAttempts: 1,
  retryDelayMs: 100,
  owner: "test:plan-backfill",
  rangeWindows: 3,
  sqlHashes: planSqlHashes(plan),
});

/** Every result table's rows, without `computed_at` (when a row was written, not what it says). */
async function results(db: Kysely<Database>) {
  const out: Record<string, unknown[]> = {};
  for (const table of ["sentiment_window", "influencer_window", "word_window", "sentiment_alert"] as const) {
    const rows = await db.selectFrom(table).selectAll().execute();
    out[table] = rows
      .map(({ computed_at: _, ...rest }) => JSON.stringify(rest))
      .sort()
      .map((s) => JSON.parse(s));
  }
  return out;
}

beforeAll(async () => {
  changed = testJob(changedJob.metrics);
  r = await resultsDb("planbf");
  fresh = await resultsDb("planbf_fresh");
});

afterAll(async () => {
  await r?.db.destroy();
  await fresh?.db.destroy();
  changed?.remove();
}, SPARK_TIMEOUT);

describe("plan, backfill, and a fresh run agree", () => {
  it(
    "a weight change: plan lists the windows, the backfill recomputes them, rows equal a fresh run",
    async () => {
      const first = await runRange(depsFor(r, WINDOW_PLAN), FROM.start, TO, NOW);
      expect(first.map((o) => o.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
      const before = await results(r.db);
      expect(before.influencer_window!.length).toBeGreaterThan(0);

      // plan --verify, before the backfill: the stored windows recomputed with a job into a
      // scratch database. The shipped job finds every metric's rows equal; a compiler change alone
      // (here: the event statements' SQL hashes of the base differ, no spec field) is then
      // results-equal, with nothing to recompute.
      const settings = loadConfig({ flags: { databaseUrl: r.url, logLevel: "warn" } });
      const verify = (job: typeof windowJob) =>
        verifyStoredWindows(settings, {
          job,
          databaseUrl: r.url,
          input: MAIN,
          windows: 3,
          master: "local[2]",
        });
      const same = await verify(windowJob);
      expect(same.windows.map((w) => w.start.toISOString())).toEqual([
        "2026-11-26T04:30:00.000Z",
        "2026-11-26T04:45:00.000Z",
        "2026-11-26T05:00:00.000Z",
      ]);
      expect([...same.metrics].filter(([, c]) => !c.equal).map(([m]) => m)).toEqual([]);
      expect(same.metrics.get("influencer_window")!.stored).toBe(before.influencer_window!.length);
      // A compiler change: every statement's SQL and every column's fingerprint moved, no spec field.
      const committed = committedManifest();
      const compiled = {
        ...committed,
        job: { ...committed.job, sql: { ...committed.job.sql, window_events: "0" } },
        metrics: committed.metrics.map((m) => ({
          ...m,
          sqlHash: "0",
          rows: "0",
          lineage: Object.fromEntries(
            Object.entries(m.lineage).map(([c, l]) => [c, { ...l, fingerprint: "0" }]),
          ),
        })),
      };
      const compilerChange = changeReport({
        head: workingManifest(windowJob),
        base: { label: "HEAD", manifest: compiled },
        runs: await succeededRuns(r.db),
        verified: same,
      });
      expect(compilerChange.diff.metrics.filter((m) => m.category !== "results-equal")).toEqual([]);
      expect(compilerChange.diff.metrics.map((m) => m.name).sort()).toEqual(
        windowJob.metrics.map((m) => m.name).sort(),
      );
      expect(compilerChange.diff.breaking).toBe(false);
      expect(compilerChange.recomputeMetrics).toEqual([]);
      expect(renderMarkdown(compilerChange).join("\n")).toContain(
        "SQL changed, results equal on 3 stored window(s)",
      );

      // The weight change: its rows differ, so it stays breaking and says how.
      const weighted = await verify(changedJob);
      expect(weighted.metrics.get("influencer_window")!.equal).toBe(false);
      expect(weighted.metrics.get("sentiment_window")!.equal).toBe(true);
      const verifiedReport = changeReport({
        head: workingManifest(changedJob),
        base: { label: "HEAD", manifest: committed },
        runs: await succeededRuns(r.db),
        verified: weighted,
      });
      const influencerChange = verifiedReport.diff.metrics.find((m) => m.name === "influencer_window")!;
      expect(influencerChange.category).toBe("breaking");
      expect(influencerChange.reasons.at(-1)!.text).toMatch(
        /^results differ on the 3 stored window\(s\) recomputed/,
      );
      expect(verifiedReport.recomputeMetrics).toEqual(["influencer_window"]);

      const head = workingManifest(changedJob);
      const report = changeReport({
        head,
        base: { label: "HEAD", manifest: committedManifest() },
        runs: await succeededRuns(r.db),
      });
      expect(report.diff.breaking).toBe(true);
      const p = report.diff.metrics.find((m) => m.name === "influencer_window")!;
      expect(p.category).toBe("breaking");
      expect(p.reasons.map((x) => x.field)).toEqual(["weights.retweets", "weights.favourites"]);
      expect(p.affected).toEqual(["rank", "score"]);
      expect(report.recompute!.windows.map((w) => w.start.toISOString())).toEqual([
        "2026-11-26T04:30:00.000Z",
        "2026-11-26T04:45:00.000Z",
        "2026-11-26T05:00:00.000Z",
      ]);
      expect(report.commands).toEqual([
        "trends schedule --backfill --metrics influencer_window --input RAW_TREE",
        "trends run --input RAW_TREE --from 2026-11-26T04:30:00Z --to 2026-11-26T05:15:00Z",
      ]);
      expect(renderMarkdown(report).join("\n")).toContain("`weights.retweets` 0.35 → 0.45");

      const b = await runBackfill(depsFor(r, changed.plan), {
        metrics: report.recomputeMetrics,
        reads: readsOf(head),
        now: NOW,
      });
      expect(b.standby).toBe(false);
      expect(b.planned.windows.map((w) => w.start.getTime())).toEqual(
        report.recompute!.windows.map((w) => w.start.getTime()),
      );
      expect(b.outcomes.map((o) => [o.reason, o.status])).toEqual(Array(3).fill(["backfill", "succeeded"]));
      const after = await results(r.db);
      // The weights moved the scores; nothing else changed.
      expect(after.influencer_window).not.toEqual(before.influencer_window);
      expect(after.sentiment_window).toEqual(before.sentiment_window);
      expect(after.word_window).toEqual(before.word_window);

      // Nothing left to recompute, and the stored rows are those of a fresh run of the new plan.
      const again = changeReport({
        head,
        base: { label: "HEAD", manifest: committedManifest() },
        runs: await succeededRuns(r.db),
      });
      expect(again.recompute!.windows).toEqual([]);
      const clean = await runRange(depsFor(fresh, changed.plan), FROM.start, TO, NOW);
      expect(clean.map((o) => o.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
      expect(after).toEqual(await results(fresh.db));
    },
    3 * SPARK_TIMEOUT,
  );
});
