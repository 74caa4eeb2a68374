import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { PYSPARK_4_VERSION, PYSPARK_VERSION } from "../../runtime/spark/index.ts";
import { loadSpecs } from "../../sparkgen/index.ts";
import { type CaseRun, runCases } from "../../sparkgen/testing/index.ts";
import { trends } from "../support/cli.ts";
import { sparkInstall4 } from "../support/services.ts";
import { SPARK_TIMEOUT } from "./support.ts";

/*
 * Issue 25 §3, the metric language through real Spark: the fixture specs of
 * sparkgen/specs/fixtures/language (pairs, sums over distinct entities, minimum support,
 * arithmetic on measures and derived of derived, 15-minute buckets), each with hand-worked cases.
 * Not shipped metrics (no production window pays for them): on 3.5 through `trends sparkgen test
 * --specs`, as a user tests a spec folder of their own; on 4.0 through the runner, with the job
 * generated for the run either way.
 */
const DIR = fileURLToPath(new URL("../../sparkgen/specs/fixtures/language/", import.meta.url));
const { job, cases: ALL, problems } = await loadSpecs(DIR, { typecheck: false });
const cases = ALL.flatMap((s) => s.cases.map((c) => ({ spec: s.spec, name: c.name })));

const verdict = (run: CaseRun, spec: string, name: string) => {
  const r = run.results.find((x) => x.spec === spec && x.name === name);
  return r && { missing: r.missing, unexpected: r.unexpected };
};

describe(`the language's fixture specs on PySpark ${PYSPARK_VERSION}: trends sparkgen test --specs`, () => {
  let run: CaseRun;
  let code: number;
  let stderr: string;

  beforeAll(async () => {
    const res = await trends(["sparkgen", "test", "--specs", DIR, "--json"], {
      DATABASE_URL: inject("pgAdminUrl"),
    });
    code = res.code;
    stderr = res.stderr;
    run = JSON.parse(res.stdout || "{}");
  }, SPARK_TIMEOUT);

  it("loads one job of the fixture specs, none of them shipped, and runs every case", () => {
    expect(problems).toEqual([]);
    expect(job?.metrics.map((m) => m.name).sort()).toEqual([
      "domain_sentiment",
      "engagement_quarter",
      "hashtag_pairs",
      "tag_reach",
      "topic_reach",
    ]);
    expect(code, stderr).toBe(0);
    expect(run.failure).toBeUndefined();
    expect(run.results).toHaveLength(cases.length);
  });

  it.each(cases)("$spec › $name", ({ spec, name }) => {
    expect(verdict(run, spec, name)).toEqual({ missing: [], unexpected: [] });
  });
});

describe(`the language's fixture specs on PySpark ${PYSPARK_4_VERSION}`, () => {
  let run: CaseRun;

  beforeAll(async () => {
    run = await runCases({
      cases: ALL,
      spark: sparkInstall4(),
      adminUrl: inject("pgAdminUrl"),
      windowMinutes: 15,
      job: job!,
    });
  }, SPARK_TIMEOUT);

  it.each(cases)("$spec › $name", ({ spec, name }) => {
    expect(run.failure).toBeUndefined();
    expect(verdict(run, spec, name)).toEqual({ missing: [], unexpected: [] });
  });
});
