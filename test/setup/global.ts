import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { loadConfig } from "../../runtime/config/index.ts";
import { isTrendsError } from "../../runtime/errors/index.ts";
import { startMoto } from "../../runtime/moto/index.ts";
import { startLocalPostgres } from "../../runtime/postgres/index.ts";
import { ensureS3aJars, ensureSpark } from "../../runtime/spark/index.ts";
import { ensureVader } from "../../runtime/vader/index.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL; tests create their own databases on it. */
    pgAdminUrl: string;
    /** moto's endpoint: every AWS service on one loopback port. */
    awsEndpoint: string;
    /** JSON of the SparkInstall the Spark tests use. */
    spark: string;
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
  const spark = await need("Spark", () => ensureSpark(install));
  // The AWS-path end-to-end test reads s3:// through s3a (hadoop-aws + the AWS SDK bundle).
  await need("the s3a jars", () => ensureS3aJars(install));
  // The sentiment agreement test scores with the reference vaderSentiment (and its lexicons).
  await need("VADER", () => ensureVader(install));
  const dataDir = mkdtempSync(join(tmpdir(), "trends-test-pg-"));
  const pg = await startLocalPostgres({ dataDir });
  const moto = await need("moto", () => startMoto(install)).catch(async (e: unknown) => {
    await pg.stop();
    throw e;
  });
  project.provide("pgAdminUrl", pg.url);
  project.provide("awsEndpoint", moto.endpoint);
  project.provide("spark", JSON.stringify(spark));
  return async () => {
    await Promise.all([moto.stop(), pg.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  };
}

/** A missing prerequisite fails the whole run with the message and fix `trends doctor` gives. */
async function need<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isTrendsError(e))
      throw new Error(`integration tests need ${what}: ${e.message} (fix: ${e.fix ?? "see trends doctor"})`);
    throw e;
  }
}
