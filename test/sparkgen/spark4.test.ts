import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PYSPARK_4_VERSION, PYSPARK_VERSION, sparkSubmit } from "../../runtime/spark/index.ts";
import { SPARK_3_5, SPARK_4_0 } from "../../sparkgen/index.ts";
import { sparkInstall, sparkInstall4 } from "../support/services.ts";
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
  wordRows,
} from "./support.ts";

const PROBE = fileURLToPath(new URL("./ansi_probe.py", import.meta.url));

/*
 * The second Spark: the generated step on PySpark 4.0 (emr-spark-8.0.0 runs Spark 4.0.2), kept to
 * one spark-submit of the main fixture window (window.test.ts runs it and more on 3.5), plus one
 * small ANSI probe per version. The window must give exactly the hand-computed results.
 */
describe(`sparkgen window step on PySpark ${PYSPARK_4_VERSION}`, () => {
  let r: ResultsDb;
  let run: StepRun;

  beforeAll(async () => {
    r = await resultsDb("sg_spark4");
    run = await runWindowStep(r, W, inputsFor(MAIN, W), { spark: sparkInstall4() });
  }, SPARK_TIMEOUT);
  afterAll(async () => {
    await r?.db.destroy();
  });

  it("runs on the 4.0 install, not the default one", () => {
    expect(sparkInstall4().version).toBe(PYSPARK_4_VERSION);
    expect(sparkInstall4().sparkSubmit).not.toBe(sparkInstall().sparkSubmit);
    expect(run.code, why(run)).toBe(0);
    expect(run.result).toEqual(EXPECTED_STATS);
  });

  it("writes the same hand-computed sentiment, influencers and words as on 3.5, and no alert", async () => {
    expect(await sentimentRows(r.db, W)).toEqual(EXPECTED_SENTIMENT);
    expect(await influencerRows(r.db, W)).toEqual(EXPECTED_INFLUENCERS);
    expect(await wordRows(r.db, W)).toEqual(EXPECTED_WORDS);
    expect(await alertRows(r.db)).toEqual([]);
  });
});

interface Probe {
  ansi: string;
  share?: number | null;
  followers?: number | null;
  error?: string;
  message?: string;
}

async function probe(spark: ReturnType<typeof sparkInstall>): Promise<Probe[]> {
  const res = await sparkSubmit({ spark, script: PROBE, args: ["false", "true"], master: "local[1]" });
  const lines = res.stdout.split("\n").filter((l) => l.startsWith("ANSI_PROBE "));
  if (lines.length !== 2)
    throw new Error(`ANSI probe printed ${lines.length} lines\n${res.stderr.slice(-3000)}`);
  return lines.map((l) => JSON.parse(l.slice("ANSI_PROBE ".length)) as Probe);
}

describe("ANSI mode, both ways, on both Sparks", () => {
  it(
    "the dialect records each target's default; with ANSI off x/0 and a bad cast are NULL, with it on they fail",
    async () => {
      expect([SPARK_3_5.ansiDefault, SPARK_4_0.ansiDefault]).toEqual([false, true]);
      const [on35, on40] = await Promise.all([probe(sparkInstall()), probe(sparkInstall4())]);
      for (const [version, results] of [
        [PYSPARK_VERSION, on35],
        [PYSPARK_4_VERSION, on40],
      ] as const) {
        const [off, on] = results!;
        expect(off, version).toMatchObject({ ansi: "false", share: null, followers: null });
        expect(on!.error, `${version}: ${JSON.stringify(on)}`).toBeDefined();
        expect(on!.message, version).toMatch(/DIVIDE_BY_ZERO|CAST_INVALID_INPUT|divide by zero/i);
      }
    },
    SPARK_TIMEOUT,
  );
});
