import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { loadConfig } from "../../runtime/config/index.ts";
import { isTrendsError } from "../../runtime/errors/index.ts";
import { startMoto } from "../../runtime/moto/index.ts";
import { startLocalPostgres } from "../../runtime/postgres/index.ts";
import { ensureSpark, PYSPARK_4_VERSION } from "../../runtime/spark/index.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL; tests create their own databases on it. */
    pgAdminUrl: string;
    /** moto's endpoint: every AWS service on one loopback port. */
    awsEndpoint: string;
    /** JSON of the SparkInstall the Spark tests use. */
    spark: string;
    /** JSON of the PySpark 4.0 install (emr-spark-8.0.0's Spark) for the tests that run on both. */
    spark4: string;
  }
}

/**
 * Starts the real services once per run. A missing prerequisite fails the run here with the
 * message `trends doctor` would print; nothing is silently skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const settings = loadConfig({ env: process.env });
  // `npm test` on a fresh clone provisions the cached pieces itself (idempotent, once per machine);
  // TRENDS_TEST_NO_INSTALL=1 turns that off to prove a missing piece fails the run clearly.
  const install = {
    cacheDir: settings.cacheDir,
    sparkHome: settings.sparkHome,
    install: process.env.TRENDS_TEST_NO_INSTALL !== "1",
  };
  let spark: Awaited<ReturnType<typeof ensureSpark>>;
  let spark4: Awaited<ReturnType<typeof ensureSpark>>;
  try {
    spark = await ensureSpark(install);
    // Its own virtualenv in the cache; SPARK_HOME, when set, replaces only the default Spark.
    spark4 = await ensureSpark({ ...install, sparkHome: undefined, version: PYSPARK_4_VERSION });
  } catch (e) {
    if (isTrendsError(e))
      throw new Error(`integration tests need Spark: ${e.message} (fix: ${e.fix ?? "see trends doctor"})`);
    throw e;
  }
  const dataDir = mkdtempSync(join(tmpdir(), "trends-test-pg-"));
  const pg = await startLocalPostgres({ dataDir });
  const moto = await startMoto(install);
  project.provide("pgAdminUrl", pg.url);
  project.provide("awsEndpoint", moto.endpoint);
  project.provide("spark", JSON.stringify(spark));
  project.provide("spark4", JSON.stringify(spark4));
  return async () => {
    await Promise.all([moto.stop(), pg.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
