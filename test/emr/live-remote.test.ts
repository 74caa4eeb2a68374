import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { EMRClient } from "@aws-sdk/client-emr";
import type { EMRServerlessClient } from "@aws-sdk/client-emr-serverless";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EmrServerlessStepRunner,
  EmrStepRunner,
  type StepArtifacts,
  type StepRunner,
} from "../../emr/index.ts";
import {
  emrLiveRun,
  LIVE_NAME,
  type LiveRun,
  serverlessLiveRun,
  superviseLive,
} from "../../emr/live/index.ts";
import { createEmr, createEmrServerless, createS3 } from "../../runtime/aws/index.ts";
import { isTrendsError } from "../../runtime/errors/index.ts";
import type { EmulatedCluster } from "../fakes/emr-emulator/cluster.ts";
import { type EmrEmulator, startEmrEmulator } from "../fakes/emr-emulator/index.ts";
import { localAws, sparkInstall } from "../support/services.ts";
import { fakeStep, PASSWORD, ROLE, s3Inputs, uploadFakeStep } from "./runner-inputs.ts";

/*
 * Live mode on AWS, over HTTP against the suite's EMR emulator (its steps and job runs are real
 * local spark-submits): the live application as one long-running EMR step and as one EMR
 * Serverless job run. Its first start dies; the supervisor starts it again with backoff, a window
 * step still runs to completion beside it, and a stop cancels it. The live script is a stand-in
 * (fake_live_step.py), as the runner tests use a stand-in window step.
 */
const BUCKET = "trends-live-remote";
const CLUSTER = "j-LIVECLUSTER1";
const SERIAL = "j-ONESTEPATTIME";
const APP = "00fliveapp00001";
const JDBC_URL = "jdbc:postgresql://db.example:5432/trends";
const TIMEOUT = 900_000;

let emu: EmrEmulator;
let s3: S3Client;
let emr: EMRClient;
let serverless: EMRServerlessClient;
let artifacts: StepArtifacts;
let state: string;

const app = {
  input: `s3://${BUCKET}/raw/`,
  checkpoint: `s3://${BUCKET}/live/checkpoint/`,
  jdbcUrl: JDBC_URL,
  windowMinutes: 15,
  latenessMinutes: 10,
  refreshSeconds: 60,
};
const poll = { initialMs: 100, maxMs: 500 };
const emrRunner = (clusterId: string) =>
  new EmrStepRunner({ emr, clusterId, artifacts, jdbcSecret: "trends/jdbc", poll });
const serverlessRunner = () =>
  new EmrServerlessStepRunner({
    client: serverless,
    applicationId: APP,
    executionRoleArn: ROLE,
    artifacts,
    jdbcSecret: "trends/jdbc",
    poll,
  });

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "trends-live-remote-"));
  s3 = createS3(localAws());
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  artifacts = await uploadFakeStep(s3, BUCKET, [
    { key: "runtime/live_step.py", path: fakeStep("fake_live_step.py") },
  ]);
  emu = await startEmrEmulator({
    spark: sparkInstall(),
    s3,
    upstream: localAws().endpoint,
    clusters: [
      { id: CLUSTER, stepConcurrencyLevel: 2 },
      { id: SERIAL, stepConcurrencyLevel: 1 },
    ],
    applications: [{ id: APP, maxConcurrentRuns: 2 }],
    stepEnv: { TRENDS_JDBC_USER: "trends", TRENDS_JDBC_PASSWORD: PASSWORD, FAKE_LIVE_STATE: state },
  });
  emr = createEmr({ ...localAws(), endpoint: emu.endpoint });
  serverless = createEmrServerless({ ...localAws(), endpoint: emu.endpoint });
});

afterAll(async () => {
  await emu?.stop();
  if (state) rmSync(state, { recursive: true, force: true });
});

const starts = () => readdirSync(state).length;
const liveSteps = (engine: EmulatedCluster) => engine.steps.filter((s) => s.config.Name === LIVE_NAME);

/**
 * Supervises `run` until its second start (the first dies), runs a window step beside it, then
 * stops it; returns the window step's final state.
 */
async function superviseThroughADeath(run: LiveRun, runner: StepRunner): Promise<string> {
  rmSync(state, { recursive: true, force: true });
  mkdirSync(state);
  const stop = new AbortController();
  const supervised = superviseLive(run, { signal: stop.signal, firstDelayMs: 200, maxDelayMs: 1000 });
  try {
    const deadline = Date.now() + TIMEOUT;
    while (starts() < 2) {
      if (Date.now() > deadline) throw new Error("the live application was not started again");
      await sleep(200);
    }
    const window = { start: new Date("2026-11-26T04:00:00Z"), end: new Date("2026-11-26T04:15:00Z") };
    const id = await runner.submit({
      window,
      inputs: await s3Inputs(() => s3, BUCKET)("ok"),
      jdbcUrl: JDBC_URL,
    });
    return (await runner.wait(id)).state;
  } finally {
    stop.abort();
    await supervised;
  }
}

describe("live mode on EMR: one long-running step", () => {
  it(
    "refuses a cluster that runs one step at a time, before any step is added",
    async () => {
      const err = await emrLiveRun(emrRunner(SERIAL), app).catch((e: unknown) => e);
      expect(isTrendsError(err) && err.exitCode).toBe(2);
      expect((err as Error).message).toContain("StepConcurrencyLevel 1");
      expect(emu.requests.filter((r) => r.target === "AddJobFlowSteps")).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "restarts the step that died, runs a window step beside it, and cancels it on stop",
    async () => {
      const runner = emrRunner(CLUSTER);
      expect(await superviseThroughADeath(await emrLiveRun(runner, app), runner)).toBe("COMPLETED");
      const live = liveSteps(emu.cluster(CLUSTER));
      expect(live.map((s) => s.state)).toEqual(["FAILED", "CANCELLED"]);
      expect(live[0]!.reason).toContain("died on purpose");
      const step = live[1]!.config;
      expect(step.ActionOnFailure).toBe("CONTINUE");
      const args = step.HadoopJarStep.Args!;
      expect(args.slice(0, 3)).toEqual(["spark-submit", "--deploy-mode", "cluster"]);
      expect(args).toContain(artifacts.uris!["runtime/live_step.py"]);
      expect(args[args.indexOf("--input") + 1]).toBe(app.input);
      expect(args[args.indexOf("--checkpoint") + 1]).toBe(app.checkpoint);
      expect(args[args.indexOf("--jdbc-secret") + 1]).toBe("trends/jdbc");
      expect(JSON.stringify(step)).not.toContain(PASSWORD);
    },
    TIMEOUT,
  );
});

describe("live mode on EMR Serverless: one long job run", () => {
  it(
    "restarts the run that died, runs a window job beside it, and cancels it on stop",
    async () => {
      const runner = serverlessRunner();
      expect(await superviseThroughADeath(serverlessLiveRun(runner, app), runner)).toBe("COMPLETED");
      expect(liveSteps(emu.application(APP)).map((s) => s.state)).toEqual(["FAILED", "CANCELLED"]);
      const sent = emu.requests.filter((r) => r.target === "StartJobRun" && r.body.name === LIVE_NAME);
      expect(sent).toHaveLength(2);
      const body = sent[1]!.body;
      expect(body.executionTimeoutMinutes).toBe(720);
      const driver = (
        body.jobDriver as { sparkSubmit: { entryPoint: string; entryPointArguments: string[] } }
      ).sparkSubmit;
      expect(driver.entryPoint).toBe(artifacts.uris!["runtime/live_step.py"]);
      const args = driver.entryPointArguments;
      expect(args[args.indexOf("--checkpoint") + 1]).toBe(app.checkpoint);
      expect(args[args.indexOf("--jdbc-secret") + 1]).toBe("trends/jdbc");
      expect(JSON.stringify(body)).not.toContain(PASSWORD);
    },
    TIMEOUT,
  );
});
