import { gunzipSync } from "node:zlib";
import type { EMRServerlessClient } from "@aws-sdk/client-emr-serverless";
import { CreateBucketCommand, GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EmrServerlessStepRunner,
  jobRunLogPrefix,
  runStatsReader,
  type StepArtifacts,
  startJobRunInput,
} from "../../emr/index.ts";
import { createEmrServerless, createS3 } from "../../runtime/aws/index.ts";
import { isTrendsError } from "../../runtime/errors/index.ts";
import { type Database, migrateToLatest, openDb } from "../../sql/index.ts";
import { type EmrEmulator, startEmrEmulator } from "../fakes/emr-emulator/index.ts";
import { freshDatabase, localAws, sparkInstall } from "../support/services.ts";
import { type RunnerHarness, runnerContract } from "./runner-contract.ts";
import { PASSWORD, ROLE, s3Inputs, uploadFakeStep } from "./runner-inputs.ts";

const BUCKET = "trends-runner-serverless";
const APP = "00frunnertest001";
const ONE = "00fonlyonerun001";
const SPARK4 = "00fsparkfourapp1";

let h: RunnerHarness;
let db: Kysely<Database>;
let emu: EmrEmulator;
let s3: S3Client;
let client: EMRServerlessClient;
let artifacts: StepArtifacts;
let jdbcUrl: string;

const runner = (applicationId: string) =>
  new EmrServerlessStepRunner({
    client,
    applicationId,
    executionRoleArn: ROLE,
    artifacts,
    jdbcSecret: "trends/jdbc",
    logUri: `s3://${BUCKET}/serverless-logs/`,
    readResult: runStatsReader(db),
    poll: { initialMs: 100, maxMs: 500 },
  });

beforeAll(async () => {
  const url = await freshDatabase("runsls");
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
    clusters: [],
    applications: [
      { id: APP, maxConcurrentRuns: 3 },
      { id: ONE, maxConcurrentRuns: 1 },
      { id: SPARK4, releaseLabel: "emr-spark-8.0.0" },
    ],
    stepEnv: { TRENDS_JDBC_USER: u.username, TRENDS_JDBC_PASSWORD: PASSWORD },
  });
  client = createEmrServerless({ ...localAws(), endpoint: emu.endpoint });
  h = {
    runner: runner(APP),
    db,
    jdbcUrl,
    inputs: s3Inputs(() => s3, BUCKET),
    unknownId: "00fnosuchjobrun0",
  };
});

afterAll(async () => {
  await emu?.stop();
  await db?.destroy();
});

runnerContract("EMR Serverless (emulated, over the AWS SDK)", () => h);

describe("EMR Serverless runner specifics", () => {
  it("sends a sparkSubmit job driver with the uploaded script, sizing and no credential anywhere", () => {
    const sent = emu.requests.filter((r) => r.target === "StartJobRun" && r.body.applicationId === APP);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    for (const r of sent) {
      const driver = (r.body.jobDriver as { sparkSubmit: Record<string, unknown> }).sparkSubmit;
      expect(driver.entryPoint).toBe(artifacts.stepScript);
      expect(driver.sparkSubmitParameters).toMatch(
        new RegExp(`^--jars ${artifacts.jdbcJar} --conf spark\\.driver\\.cores=1 `),
      );
      expect(driver.sparkSubmitParameters).toContain("--conf spark.executor.instances=1");
      const args = driver.entryPointArguments as string[];
      expect(args[args.indexOf("--jdbc-secret") + 1]).toBe("trends/jdbc");
      expect(r.body.executionRoleArn).toBe(ROLE);
      expect(r.body.configurationOverrides).toEqual({
        monitoringConfiguration: { s3MonitoringConfiguration: { logUri: `s3://${BUCKET}/serverless-logs/` } },
      });
      expect(JSON.stringify(r.body)).not.toContain(PASSWORD);
    }
  });

  it("writes the driver's logs under the S3 monitoring logUri", async () => {
    const [done] = (await h.runner.list!()).filter((s) => s.state === "COMPLETED");
    expect(done!.logUri).toBe(jobRunLogPrefix(`s3://${BUCKET}/serverless-logs`, APP, done!.id));
    const key = `${done!.logUri!.replace(`s3://${BUCKET}/`, "")}SPARK_DRIVER/stdout.gz`;
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const text = gunzipSync(Buffer.from(await out.Body!.transformToByteArray())).toString();
    expect(text).toContain("TRENDS_STEP_RESULT");
  });

  it("reads the application's maxConcurrentRuns as its capacity", async () => {
    expect(await h.runner.capacity!()).toBe(3);
    expect(await runner(ONE).capacity!()).toBe(1);
  });

  it("refuses an unknown application with a usage error and starts nothing", async () => {
    const before = emu.requests.filter((r) => r.target === "StartJobRun").length;
    const err = await runner("00fdoesnotexist0")
      .submit({
        window: { start: new Date("2026-11-26T04:00:00Z"), end: new Date("2026-11-26T04:15:00Z") },
        inputs: [],
        jdbcUrl,
      })
      .catch((e: unknown) => e);
    expect(isTrendsError(err) && err.exitCode).toBe(2);
    expect((err as Error).message).toBe(
      "EMR Serverless rejected application 00fdoesnotexist0: Application 00fdoesnotexist0 does not exist",
    );
    expect(emu.requests.filter((r) => r.target === "StartJobRun").length).toBe(before);
  });

  it("refuses to submit beyond the application's maxConcurrentRuns, naming the limit", async () => {
    const r = runner(ONE);
    const window = { start: new Date("2026-11-26T05:00:00Z"), end: new Date("2026-11-26T05:15:00Z") };
    const sleeper = await r.submit({ window, inputs: await h.inputs("sleep"), jdbcUrl });
    const err = await r.submit({ window, inputs: [], jdbcUrl }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "EMR Serverless application 00fonlyonerun001 already has 1 job runs in progress (its maxConcurrentRuns is 1)",
    );
    await r.cancel(sleeper);
    expect((await r.wait(sleeper)).state).toBe("CANCELLED");
  });

  it("refuses an application whose release label the artifacts were not generated for, starting nothing", async () => {
    const before = emu.requests.filter((r) => r.target === "StartJobRun").length;
    const r = new EmrServerlessStepRunner({
      client,
      applicationId: SPARK4,
      executionRoleArn: ROLE,
      artifacts,
      stepTargets: ["spark-3.5"],
    });
    const err = await r
      .submit({
        window: { start: new Date("2026-11-26T04:00:00Z"), end: new Date("2026-11-26T04:15:00Z") },
        inputs: [],
        jdbcUrl,
      })
      .catch((e: unknown) => e);
    expect(isTrendsError(err) && err.exitCode).toBe(2);
    expect((err as Error).message).toBe(
      `EMR Serverless application ${SPARK4} runs emr-spark-8.0.0 (spark-4.0), which the generated step does not target (it targets spark-3.5)`,
    );
    expect(emu.requests.filter((x) => x.target === "StartJobRun").length).toBe(before);
  });

  it("refuses more entry point arguments than EMR Serverless allows, before any call", () => {
    const inputs = Array.from({ length: 600 }, (_, i) => `s3://${BUCKET}/raw/2026/11/26/${i}/`);
    const err = (() => {
      try {
        startJobRunInput(
          {
            window: { start: new Date("2026-11-26T04:00:00Z"), end: new Date("2026-11-26T04:15:00Z") },
            inputs,
            jdbcUrl,
          },
          { applicationId: APP, executionRoleArn: ROLE, artifacts },
        );
      } catch (e) {
        return e;
      }
    })();
    expect(isTrendsError(err) && err.exitCode).toBe(2);
    expect((err as Error).message).toMatch(/has \d+ entry point arguments; EMR Serverless allows 1024$/);
  });
});
