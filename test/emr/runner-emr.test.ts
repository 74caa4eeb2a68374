import { AddJobFlowStepsCommand, type EMRClient } from "@aws-sdk/client-emr";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmrStepRunner, runStatsReader, type StepArtifacts } from "../../emr/index.ts";
import { createEmr, createS3 } from "../../runtime/aws/index.ts";
import { isTrendsError } from "../../runtime/errors/index.ts";
import { type Database, migrateToLatest, openDb } from "../../sql/index.ts";
import { type EmrEmulator, startEmrEmulator } from "../fakes/emr-emulator/index.ts";
import { freshDatabase, localAws, sparkInstall } from "../support/services.ts";
import { type RunnerHarness, runnerContract } from "./runner-contract.ts";
import { PASSWORD, s3Inputs, uploadFakeStep } from "./runner-inputs.ts";

const BUCKET = "trends-runner-emr";
const CLUSTER = "j-RUNNERTEST01";
const FULL = "j-FULLCLUSTER1";
const OLD = "j-EMRSIXCLUSTR";

let h: RunnerHarness;
let db: Kysely<Database>;
let emu: EmrEmulator;
let s3: S3Client;
let emr: EMRClient;
let artifacts: StepArtifacts;
let jdbcUrl: string;

const runner = (clusterId: string) =>
  new EmrStepRunner({
    emr,
    clusterId,
    artifacts,
    jdbcSecret: "trends/jdbc",
    readResult: runStatsReader(db),
    poll: { initialMs: 100, maxMs: 500 },
  });

beforeAll(async () => {
  const url = await freshDatabase("runemr");
  db = openDb(url);
  await migrateToLatest(db);
  const u = new URL(url);
  jdbcUrl = `jdbc:postgresql://${u.host}${u.pathname}`;
  const spark = sparkInstall();
  s3 = createS3(localAws());
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  artifacts = await uploadFakeStep(s3, BUCKET);
  emu = await startEmrEmulator({
    spark,
    s3,
    upstream: localAws().endpoint,
    clusters: [
      { id: CLUSTER, stepConcurrencyLevel: 3, logUri: `s3://${BUCKET}/logs/` },
      { id: FULL, stepConcurrencyLevel: 1 },
      { id: OLD, releaseLabel: "emr-6.15.0" },
    ],
    stepEnv: { TRENDS_JDBC_USER: u.username, TRENDS_JDBC_PASSWORD: PASSWORD },
  });
  emr = createEmr({ ...localAws(), endpoint: emu.endpoint });
  h = {
    runner: runner(CLUSTER),
    db,
    jdbcUrl,
    inputs: s3Inputs(() => s3, BUCKET),
    unknownId: "s-NOSUCHSTEP00",
  };
});

afterAll(async () => {
  await emu?.stop();
  await db?.destroy();
});

runnerContract("EMR (emulated, over the AWS SDK)", () => h);

describe("EMR runner specifics", () => {
  it("sends command-runner spark-submit in cluster mode with CONTINUE and no credential in any argument", async () => {
    const sent = emu.requests.filter((r) => r.target === "AddJobFlowSteps" && r.body.JobFlowId === CLUSTER);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    for (const r of sent) {
      const step = (
        r.body.Steps as { ActionOnFailure: string; HadoopJarStep: { Jar: string; Args: string[] } }[]
      )[0]!;
      expect(step.ActionOnFailure).toBe("CONTINUE");
      expect(step.HadoopJarStep.Jar).toBe("command-runner.jar");
      expect(step.HadoopJarStep.Args.slice(0, 5)).toEqual([
        "spark-submit",
        "--deploy-mode",
        "cluster",
        "--jars",
        `${artifacts.jdbcJar}`,
      ]);
      expect(step.HadoopJarStep.Args).toContain(artifacts.stepScript);
      const i = step.HadoopJarStep.Args.indexOf("--jdbc-secret");
      expect(step.HadoopJarStep.Args[i + 1]).toBe("trends/jdbc");
      expect(JSON.stringify(step)).not.toContain(PASSWORD);
    }
  });

  it("reads the cluster's StepConcurrencyLevel as its capacity", async () => {
    expect(await h.runner.capacity!()).toBe(3);
    expect(await runner(FULL).capacity!()).toBe(1);
  });

  it("refuses an unknown cluster with a usage error and submits nothing", async () => {
    const before = emu.requests.filter((r) => r.target === "AddJobFlowSteps").length;
    const err = await runner("j-DOESNOTEXIST")
      .submit({
        window: { start: new Date("2026-11-26T04:00:00Z"), end: new Date("2026-11-26T04:15:00Z") },
        inputs: [],
        jdbcUrl,
      })
      .catch((e: unknown) => e);
    expect(isTrendsError(err) && err.exitCode).toBe(2);
    expect((err as Error).message).toBe(
      "EMR rejected cluster j-DOESNOTEXIST: Cluster id 'j-DOESNOTEXIST' is not valid.",
    );
    expect(emu.requests.filter((r) => r.target === "AddJobFlowSteps").length).toBe(before);
  });

  it("refuses a cluster whose release label is not a Spark target, before AddJobFlowSteps", async () => {
    const before = emu.requests.filter((r) => r.target === "AddJobFlowSteps").length;
    const err = await runner(OLD)
      .submit({
        window: { start: new Date("2026-11-26T04:00:00Z"), end: new Date("2026-11-26T04:15:00Z") },
        inputs: [],
        jdbcUrl,
      })
      .catch((e: unknown) => e);
    expect(isTrendsError(err) && err.exitCode).toBe(2);
    expect((err as Error).message).toBe(
      `EMR cluster ${OLD} runs emr-6.15.0, which the generated step does not target (it targets spark-3.5, spark-4.0)`,
    );
    expect(emu.requests.filter((r) => r.target === "AddJobFlowSteps").length).toBe(before);
  });

  it("refuses to submit when the cluster already has 256 pending or running steps", async () => {
    const r = runner(FULL);
    const window = { start: new Date("2026-11-26T05:00:00Z"), end: new Date("2026-11-26T05:15:00Z") };
    const sleeper = await r.submit({ window, inputs: await h.inputs("sleep"), jdbcUrl });
    const filler = {
      Name: "filler",
      ActionOnFailure: "CONTINUE" as const,
      HadoopJarStep: { Jar: "command-runner.jar", Args: ["true"] },
    };
    await emr.send(
      new AddJobFlowStepsCommand({ JobFlowId: FULL, Steps: Array.from({ length: 255 }, () => filler) }),
    );
    expect(await r.activeSteps()).toBe(256);
    const err = await r.submit({ window, inputs: [], jdbcUrl }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "cluster j-FULLCLUSTER1 already has 256 pending or running steps (EMR allows 256)",
    );
    await r.cancel(sleeper);
    expect((await r.wait(sleeper)).state).toBe("CANCELLED");
  });
});
