import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileJob, diffSchemas, type JobSpec, schemaOf } from "../../sparkgen/index.ts";
import { define } from "../../sparkgen/spec/define.ts";
import { e } from "../../sparkgen/specs/events.ts";
import { windowJob } from "../../sparkgen/specs/index.ts";
import { MAIN, W } from "./main-window.ts";
import {
  inputsFor,
  type ResultsDb,
  r9,
  resultsDb,
  runWindowStep,
  SPARK_TIMEOUT,
  type StepRun,
  type TestJob,
  testJob,
  why,
} from "./support.ts";

/*
 * The metric language's library operators in a spec of a test's own, through the real step: the
 * reference depth (influencers' chains, as a measure of any metric) and the normalise-and-weight
 * score. The step runs a job of this spec alone, generated into a temp dir (`testJob`).
 *
 * Over test/fixtures/sparkgen/main (see main-window.ts), the records of W per topic and the chain
 * below each (records referencing it, any relation, then records referencing those, …, capped at 8):
 *   chain: 501 quotes rita's 500 (not in W), 502 replies to 501, 503 quotes 502, … 510 → below 50k
 *          are 510 − 50k records: 501 9 → 8 (capped), 502 8, 503 7, 504 6, 505 5, …, 510 0
 *   acme:  1002 replies to 1001, 1003 retweets 1001 → 1001 1; 1002…1005 0
 *   zeta:  1002 (its 1001 is not in zeta) 0, 1010 0
 *   *:     all of them: the chain's, 1001 1, the rest 0
 * Top 3 by depth, ties by id ascending (text: "1001" < "501").
 *
 * reach = 0.5·c(depth) + 0.5·c(likes), c(x) = ln(1+x)/ln(1+max x in the topic), likes = like_count:
 *   acme: depth max 1, likes 1001 12, 1002 1, 1003 0 (a retweet's own), 1004 0, 1005 2 → max 12:
 *         1001 0.5·1 + 0.5·1 = 1; 1002 0.5·0 + 0.5·ln 2/ln 13 = 0.135117; 1003 0
 *   zeta: depth max 0, likes 1002 1, 1010 3 → 1002 0.5·ln 2/ln 4 = 0.25, 1010 0.5
 *   * and chain: the chain's records have no likes: 501/502 0.5·1 = 0.5, 503 0.5·ln 8/ln 9
 */
const threadDepth = define.metric(
  new URL("../../sparkgen/specs/trial-thread-depth.ts", import.meta.url).href,
  {
    name: "trial_thread_depth",
    description: "how deep the conversation under each record goes",
    dimensions: { record: e.column("id") },
    measures: {
      depth: e.referenceDepth("id", "ref_id", 8),
      likes: e.sum("like_count"),
      reach: e.score({ depth: 0.5, likes: 0.5 }),
    },
    rank: { top: 3, by: "depth" },
  },
);
// The database has the shipped tables and this spec's; the step runs this spec alone (`testJob`).
const withTrial: JobSpec = { ...windowJob, metrics: [...windowJob.metrics, threadDepth] };

describe("library operators in a spec of the test's own, through the real step", () => {
  let r: ResultsDb;
  let run: StepRun;
  let job: TestJob;

  beforeAll(async () => {
    job = testJob([threadDepth]);
    r = await resultsDb("sg_operators");
    for (const s of diffSchemas(schemaOf(compileJob(windowJob)), schemaOf(compileJob(withTrial))))
      await sql.raw(s).execute(r.db);
    run = await runWindowStep(r, W, inputsFor(MAIN, W), { plan: job.plan });
  }, SPARK_TIMEOUT);
  afterAll(async () => {
    job?.remove();
    await r?.db.destroy();
  });

  const rows = async () => {
    const k = r.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const found = await k
      .selectFrom("trial_thread_depth")
      .select(["topic", "record", "depth", "likes", "reach", "rank"])
      .orderBy("topic")
      .orderBy("rank")
      .execute();
    return found.map((x) => ({ ...x, likes: Number(x.likes), reach: r9(x.reach as number) }));
  };

  it("succeeds", () => {
    expect(run.code, why(run)).toBe(0);
  });

  it("referenceDepth: the chain below each record, per topic, capped; score: the influencer's normalise and weight", async () => {
    const row = (
      topic: string,
      record: string,
      depth: number,
      likes: number,
      reach: number,
      rank: number,
    ) => ({
      topic,
      record,
      depth,
      likes,
      reach,
      rank,
    });
    // * and chain: depth max 8; likes: the chain's records have none (0) → c(likes) is 0 for them
    // in chain (max 0); in * the max like count is 12 (1001).
    expect(await rows()).toEqual([
      row("*", "501", 8, 0, 0.5, 1),
      row("*", "502", 8, 0, 0.5, 2),
      row("*", "503", 7, 0, r9((0.5 * Math.log(8)) / Math.log(9))!, 3),
      row("acme", "1001", 1, 12, 1, 1),
      row("acme", "1002", 0, 1, r9((0.5 * Math.log(2)) / Math.log(13))!, 2),
      row("acme", "1003", 0, 0, 0, 3),
      row("chain", "501", 8, 0, 0.5, 1),
      row("chain", "502", 8, 0, 0.5, 2),
      row("chain", "503", 7, 0, r9((0.5 * Math.log(8)) / Math.log(9))!, 3),
      row("zeta", "1002", 0, 1, r9((0.5 * Math.log(2)) / Math.log(4))!, 1),
      row("zeta", "1010", 0, 3, 0.5, 2),
    ]);
  });
});
