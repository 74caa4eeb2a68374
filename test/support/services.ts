import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createDatabase } from "../../runtime/postgres/index.ts";
import type { SparkInstall } from "../../runtime/spark/index.ts";

/** A new, empty database on the run's PostgreSQL, so test files never see each other's rows. */
export async function freshDatabase(prefix = "t"): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`.toLowerCase();
  return createDatabase(inject("pgAdminUrl"), name);
}

export const sparkInstall = (): SparkInstall => JSON.parse(inject("spark")) as SparkInstall;
/** PySpark 4.0 (the Spark of emr-spark-8.0.0), provisioned beside the default one. */
export const sparkInstall4 = (): SparkInstall => JSON.parse(inject("spark4")) as SparkInstall;

/** Options for AWS clients pointed at the run's moto server. */
export const localAws = () => ({
  endpoint: inject("awsEndpoint"),
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
});
