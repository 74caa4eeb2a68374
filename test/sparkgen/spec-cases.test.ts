import { beforeAll, describe, expect, inject, it } from "vitest";
import { PYSPARK_4_VERSION, PYSPARK_VERSION } from "../../runtime/spark/index.ts";
import { loadSpecs } from "../../sparkgen/index.ts";
import type { SpecCases } from "../../sparkgen/spec/index.ts";
import { type CaseRun, runCases } from "../../sparkgen/testing/index.ts";
import { trends } from "../support/cli.ts";
import { sparkInstall4 } from "../support/services.ts";
import { SPARK_TIMEOUT } from "./support.ts";

/*
 * The cases every shipped spec carries (`define.cases` beside the spec: the hand-worked fixtures),
 * on both Sparks the generated SQL targets (EMR 7: 3.5, emr-spark-8.0.0: 4.0). Each run is ONE
 * spark-submit for every case. On 3.5 it is `trends sparkgen test` itself, as a user runs it; on
 * 4.0 the runner directly, with one case whose expectation is wrong, to show a mismatch is found
 * and named row by row.
 */
const { cases: ALL } = await loadSpecs(undefined, { typecheck: false });
const cases = ALL.flatMap((s) => s.cases.map((c) => ({ spec: s.spec, name: c.name })));

const WRONG: SpecCases = {
  kind: "cases",
  spec: "language_window",
  source: "test/sparkgen/spec-cases.test.ts",
  cases: [
    {
      name: "a wrong expectation",
      given: [{ lang: "en" }, { lang: null }],
      where: { topic: "acme" },
      expect: [
        { topic: "acme", lang: "en", n_tweets: 2, share: 1 },
        { topic: "acme", lang: "und", n_tweets: 1, share: 0.5 },
      ],
    },
  ],
};

const verdict = (run: CaseRun, spec: string, name: string) => {
  const r = run.results.find((x) => x.spec === spec && x.name === name);
  return r && { missing: r.missing, unexpected: r.unexpected };
};

describe(`trends sparkgen test on PySpark ${PYSPARK_VERSION}: every spec's cases in one Spark application`, () => {
  let run: CaseRun & { seconds: number };
  let code: number;
  let stderr: string;

  beforeAll(async () => {
    const res = await trends(["sparkgen", "test", "--json"], { DATABASE_URL: inject("pgAdminUrl") });
    code = res.code;
    stderr = res.stderr;
    run = JSON.parse(res.stdout || "{}");
  }, SPARK_TIMEOUT);

  it("exits 0 with a result per case", () => {
    expect(code, stderr).toBe(0);
    expect(run.failure).toBeUndefined();
    // In the step's order, not the specs': cases of history metrics run last, after a gap.
    expect(run.results.map((r) => ({ spec: r.spec, name: r.name }))).toEqual(expect.arrayContaining(cases));
    expect(run.results).toHaveLength(cases.length);
  });

  it.each(cases)("$spec › $name", ({ spec, name }) => {
    expect(verdict(run, spec, name)).toEqual({ missing: [], unexpected: [] });
  });
});

describe(`spec cases on PySpark ${PYSPARK_4_VERSION}, with one wrong expectation`, () => {
  let run: CaseRun;

  beforeAll(async () => {
    run = await runCases({
      cases: [...ALL, WRONG],
      spark: sparkInstall4(),
      adminUrl: inject("pgAdminUrl"),
      windowMinutes: 15,
    });
  }, SPARK_TIMEOUT);

  it.each(cases)("$spec › $name", ({ spec, name }) => {
    expect(run.failure).toBeUndefined();
    expect(verdict(run, spec, name)).toEqual({ missing: [], unexpected: [] });
  });

  it("names the rows a wrong expectation misses and the rows it did not expect", () => {
    // One English record and one without a language: en is 1 of 2, not 2 of 2; und is right.
    expect(verdict(run, "language_window", "a wrong expectation")).toEqual({
      missing: [JSON.stringify([0, ["topic", "acme"], ["lang", "en"], ["n_tweets", 2], ["share", 1]])],
      unexpected: [JSON.stringify([0, ["topic", "acme"], ["lang", "en"], ["n_tweets", 1], ["share", 0.5]])],
    });
  });
});
