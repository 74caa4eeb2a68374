import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_DEFAULTS, type DemoSpan, type DemoSummary, summarise } from "../../demo/index.ts";
import {
  collectArtifacts,
  EmrServerlessStepRunner,
  EmrStepRunner,
  openPipeline,
  runRange,
  runStatsReader,
  uploadArtifacts,
  type WindowOutcome,
} from "../../emr/index.ts";
import {
  createAnalyser,
  FirehoseSink,
  type IngestSummary,
  replaySource,
  runPipeline,
  type SynthTruth,
  writeSynthFile,
} from "../../ingest/index.ts";
import { createEmr, createEmrServerless, createFirehose } from "../../runtime/aws/index.ts";
import { loadConfig } from "../../runtime/config/index.ts";
import { ensureS3aJars, s3aConf } from "../../runtime/spark/index.ts";
import { METRIC_TABLES } from "../../sql/index.ts";
import { type EmrEmulator, startEmrEmulator } from "../fakes/emr-emulator/index.ts";
import { freshStream } from "../ingest/aws.ts";
import { freshDatabase, localAws, sparkInstall } from "../support/services.ts";
import { expectTruth } from "./truth.ts";

const CLUSTER = "j-E2EAWSPATH01";
const APPLICATION = "00fe2eawspath001";
const JOB_ROLE = "arn:aws:iam::123456789012:role/trends-serverless-job";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The same pipeline through the AWS path: ingest to Firehose on the local AWS endpoint (moto
 * writes each PutRecordBatch into S3 under the current arrival hour), the generated step uploaded
 * as an artifact and submitted through the EMR runner to the EMR emulator, whose spark-submit
 * reads the raw prefixes as `s3://` through s3a (hadoop-aws 3.3.4) from the same endpoint. Then the
 * crisis window once more through the EMR Serverless runner (StartJobRun on the emulator's REST
 * side, the same real spark-submit), reusing the ingested data so the suite pays for one job only.
 *
 * Firehose keys objects by real arrival time, so the event time is chosen around now: windows
 * from a quarter before this hour whose input prefixes include the current hour, judged due "as
 * of" the end of the range (their data has all arrived: it was just sent).
 */
describe("e2e: the AWS path (Firehose → S3 → EMR steps and EMR Serverless job runs reading s3a)", () => {
  let work: string;
  let emu: EmrEmulator;
  let s3: S3Client;
  let span: DemoSpan;
  let truth: SynthTruth;
  let ingest: IngestSummary;
  let windows: WindowOutcome[];
  let summary: DemoSummary;
  let serverlessWindows: WindowOutcome[];
  let serverlessRuns: { runner: string; status: string; rows_read: number | null }[];
  let summaryAfterServerless: DemoSummary;
  let bucket: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    // Arrivals must stay within one UTC hour: wait out the last minute of an hour.
    const intoHour = Date.now() % HOUR;
    if (intoHour > 59 * MINUTE) await sleep(HOUR - intoHour + 2_000);
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    const start = new Date(hour - 15 * MINUTE);
    const minutes = 90;
    span = {
      start,
      end: new Date(start.getTime() + minutes * MINUTE),
      crisisAt: new Date(start.getTime() + 75 * MINUTE),
      windows: 6,
    };

    work = mkdtempSync(join(tmpdir(), "trends-e2e-aws-"));
    const streamFile = join(work, "stream.jsonl");
    truth = writeSynthFile(
      {
        tweets: 3_000,
        seed: 11,
        start,
        minutes,
        topics: DEMO_DEFAULTS.topics,
        crisisAt: span.crisisAt,
        crisisTopic: DEMO_DEFAULTS.crisisTopic,
        corrupt: 10,
      },
      streamFile,
    );

    const aws = localAws();
    const stream = await freshStream();
    bucket = stream.bucket;
    s3 = stream.s3;
    ingest = await runPipeline({
      source: replaySource({ file: streamFile, speed: "max" }),
      analyser: createAnalyser("vader", {}),
      sink: new FirehoseSink({
        client: createFirehose({ ...aws, maxAttempts: 1 }),
        stream: stream.stream,
        spoolDir: join(work, "spool"),
      }),
      signal: new AbortController().signal,
      progressMs: 0,
    });

    const spark = sparkInstall();
    const databaseUrl = await freshDatabase("e2eaws");
    const db = new URL(databaseUrl);
    const artifacts = await uploadArtifacts({
      s3,
      bucket,
      files: collectArtifacts({ jdbcJar: spark.jdbcJar }),
    });
    emu = await startEmrEmulator({
      spark,
      s3,
      upstream: aws.endpoint,
      clusters: [{ id: CLUSTER, stepConcurrencyLevel: 1 }],
      applications: [{ id: APPLICATION, maxConcurrentRuns: 1 }],
      // The cluster's instance role and JDBC secret, as the step's environment.
      stepEnv: {
        TRENDS_JDBC_USER: db.username,
        AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
      },
      s3a: {
        conf: s3aConf(aws.endpoint, aws.region),
        jars: await ensureS3aJars({ cacheDir: loadConfig().cacheDir }),
      },
    });

    // The scheduler's view: region, endpoint and credentials from the environment, as in production.
    Object.assign(process.env, {
      AWS_REGION: aws.region,
      AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
    });
    const settings = loadConfig({ flags: { databaseUrl, awsEndpoint: emu.endpoint, logLevel: "warn" } });
    // The scheduler's own wiring (database, input listing over S3), with the EMR runner in place
    // of the local one. In production the runner passes `--jdbc-secret`; here the emulator's step
    // environment plays the secret, as boto3 is not in the local PySpark.
    const pipeline = await openPipeline(settings, {
      runner: "local",
      input: `s3://${bucket}/raw/`,
      maxAttempts: 2,
      retryDelayMs: 500,
    });
    const deps = {
      ...pipeline.deps,
      runner: new EmrStepRunner({
        emr: createEmr({ ...aws, endpoint: emu.endpoint }),
        clusterId: CLUSTER,
        artifacts,
        readResult: runStatsReader(pipeline.deps.db),
        poll: { initialMs: 250, maxMs: 1_000 },
        // The local runner's setting: a 15-minute window is small, and 2 local cores play the
        // cluster (Spark's default of 200 shuffle partitions doubles the step's time here).
        sparkConf: { "spark.sql.shuffle.partitions": "4" },
      }),
    };
    const asOf = new Date(span.end.getTime() + 11 * MINUTE);
    try {
      windows = await runRange(deps, span.start, span.end, asOf);
      summary = await summarise(pipeline.deps.db, span, DEMO_DEFAULTS, truth);

      // EMR Serverless on the same ingested data: the crisis window (the last) again, as a job
      // run, after deleting its results, so what is read back is what the job run wrote.
      const db = pipeline.deps.db;
      for (const table of METRIC_TABLES) {
        await db.deleteFrom(table).where("window_start", "=", span.crisisAt).execute();
      }
      const serverless = {
        ...pipeline.deps,
        runner: new EmrServerlessStepRunner({
          client: createEmrServerless({ ...aws, endpoint: emu.endpoint }),
          applicationId: APPLICATION,
          executionRoleArn: JOB_ROLE,
          artifacts,
          logUri: `s3://${bucket}/logs/serverless/`,
          readResult: runStatsReader(db),
          poll: { initialMs: 250, maxMs: 1_000 },
          sparkConf: { "spark.sql.shuffle.partitions": "4" },
        }),
      };
      serverlessWindows = await runRange(serverless, span.crisisAt, span.end, asOf);
      serverlessRuns = await db
        .selectFrom("pipeline_run")
        .select(["runner", "status", "rows_read"])
        .where("window_start", "=", span.crisisAt)
        .orderBy("id")
        .execute();
      summaryAfterServerless = await summarise(db, span, DEMO_DEFAULTS, truth);
    } finally {
      await pipeline.close();
    }
    // Seven windows through two emulated services, each step a JVM reading s3a: 13 minutes on a
    // loaded 2-core CI machine was not enough once the job had eleven metrics.
  }, 1_500_000);

  afterAll(async () => {
    process.env = savedEnv;
    await emu?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("ran every window in EMR steps (a range step holds several) that read s3:// prefixes through s3a", () => {
    expect(windows.map((w) => w.status)).toEqual(Array(6).fill("succeeded"));
    const ran = emu.cluster(CLUSTER).steps.map((s) => s.ran ?? []);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    for (const argv of ran) {
      expect(argv).toContain("spark.hadoop.fs.s3.impl=org.apache.hadoop.fs.s3a.S3AFileSystem");
      expect(argv.some((a) => a.startsWith(`s3://${bucket}/raw/`))).toBe(true);
    }
  });

  it("matches the generator's truth", () => {
    expect(ingest.sinkStats).toBeDefined();
    expectTruth(
      { truth, span, summary, ingested: ingest.events, badMessages: ingest.badMessages },
      DEMO_DEFAULTS.crisisTopic,
    );
  });

  it("ran the crisis window again as an EMR Serverless job run reading s3a, with the same numbers", () => {
    expect(serverlessWindows.map((w) => [w.window.start.toISOString(), w.status])).toEqual([
      [span.crisisAt.toISOString(), "succeeded"],
    ]);
    const ran = emu.application(APPLICATION).steps.map((s) => s.ran ?? []);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toContain("spark.hadoop.fs.s3.impl=org.apache.hadoop.fs.s3a.S3AFileSystem");
    expect(ran[0]!.some((a) => a.startsWith(`s3://${bucket}/raw/`))).toBe(true);
    const [onEmr, onServerless] = serverlessRuns;
    expect([onEmr?.runner, onServerless?.runner]).toEqual(["emr", "emr-serverless"]);
    expect(onServerless?.status).toBe("succeeded");
    expect(onServerless?.rows_read).toBe(onEmr?.rows_read);
    expectTruth(
      {
        truth,
        span,
        summary: summaryAfterServerless,
        ingested: ingest.events,
        badMessages: ingest.badMessages,
      },
      DEMO_DEFAULTS.crisisTopic,
    );
  });
});
