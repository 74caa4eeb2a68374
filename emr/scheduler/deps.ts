import { existsSync } from "node:fs";
import type { S3Client } from "@aws-sdk/client-s3";
import { awsOptionsFrom, createEmr, createEmrServerless, createS3 } from "../../runtime/aws/index.ts";
import type { Settings } from "../../runtime/config/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import { openDatabase } from "../../runtime/postgres/index.ts";
import { ensureSpark, jdbcJarPath } from "../../runtime/spark/index.ts";
import { planSqlHashes } from "../../sparkgen/changes/index.ts";
import { migrateToLatest, openDb } from "../../sql/index.ts";
import { collectArtifacts, uploadArtifacts } from "../artifacts/index.ts";
import { EmrStepRunner } from "../runners/emr.ts";
import { checkCredentials } from "../runners/emr-ops.ts";
import { EmrServerlessStepRunner } from "../runners/emr-serverless.ts";
import { serverlessSizing, serverlessTarget } from "../runners/emr-serverless-ops.ts";
import { DEFAULT_PLAN, LocalStepRunner } from "../runners/local.ts";
import { runStatsReader } from "../runners/run-stats.ts";
import { jdbcFromDatabaseUrl } from "../runners/step-args.ts";
import type { StepRunner } from "../runners/step-runner.ts";
import { newOwner } from "../runs/owner.ts";
import type { RunsDb } from "../runs/records.ts";
import { type InputSource, inputSource } from "./input.ts";
import type { ProcessDeps } from "./types.ts";

export interface PipelineOptions {
  readonly runner: StepRunner["kind"];
  /** `--input`; defaults to `s3://<bucket>/<rawPrefix>` when a bucket is configured. */
  readonly input?: string | undefined;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  /** Consecutive windows per step (one Spark application); default `DEFAULT_RANGE_WINDOWS`. */
  readonly rangeWindows?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Spark master of the local runner (default `local[*]`). */
  readonly master?: string | undefined;
  /** The local runner's job plan (default the generated one of this checkout; `plan --verify` runs the working specs'). */
  readonly plan?: string | undefined;
  /** The local runner makes the class-data archive if there is none (default true; the demo does not). */
  readonly makeClassArchive?: boolean | undefined;
  /** EMR runner: `--cluster` (else emrCluster), `--bucket` (else bucket), `--jdbc-secret` (else TRENDS_JDBC_SECRET). */
  readonly cluster?: string | undefined;
  readonly bucket?: string | undefined;
  readonly jdbcSecret?: string | undefined;
  /** EMR Serverless runner: `--application`, `--execution-role`, `--log-uri` (else their settings). */
  readonly application?: string | undefined;
  readonly executionRole?: string | undefined;
  readonly logUri?: string | undefined;
}

/** A day of 15-minute windows per step: catch-up and backfill pay one JVM start per day, not per window. */
export const DEFAULT_RANGE_WINDOWS = 96;

export interface Pipeline {
  readonly deps: ProcessDeps;
  /** The results database's URL (with its credentials): live mode's application writes there too. */
  readonly databaseUrl: string;
  close(): Promise<void>;
}

/**
 * Everything `trends run` and `trends schedule` need, from the settings: the results database
 * (migrated), the raw input, a step runner and the JDBC URL the step writes to. Credentials go to
 * the runner (the step's environment or a Secrets Manager id), never into step arguments.
 */
export async function openPipeline(s: Settings, o: PipelineOptions): Promise<Pipeline> {
  const root = o.input ?? (s.bucket ? `s3://${s.bucket}/${s.rawPrefix.replace(/^\/+/, "")}` : undefined);
  if (!root)
    throw usageError("no input given", "pass --input DIR or s3://bucket/raw/ (or set TRENDS_BUCKET)");
  let s3: S3Client | undefined;
  const input: InputSource = inputSource(root, () => {
    s3 ??= createS3(awsOptionsFrom(s));
    return s3;
  });
  const handle = await openDatabase(s);
  const db = openDb(handle.url, {
    poolSize: s.databasePoolSize,
    statementTimeoutMs: s.databaseStatementTimeoutMs,
    ...(s.databaseCaFile ? { caFile: s.databaseCaFile } : {}),
    applicationName: "trends-scheduler",
  });
  const close = async () => {
    await db.destroy();
    s3?.destroy();
    await handle.release();
  };
  try {
    await migrateToLatest(db);
    const jdbc = jdbcFromDatabaseUrl(handle.url);
    let runner: StepRunner;
    let artifactsUri: string | undefined;
    if (o.runner === "emr") {
      ({ runner, artifactsUri } = await emrRunner(s, o, db));
    } else if (o.runner === "emr-serverless") {
      ({ runner, artifactsUri } = await serverlessRunner(s, o, db));
    } else {
      const spark = await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome });
      runner = new LocalStepRunner({
        spark,
        ...(o.master ? { master: o.master } : {}),
        ...(o.plan ? { plan: o.plan } : {}),
        ...(o.makeClassArchive === false ? { makeClassArchive: false } : {}),
        jdbcUser: jdbc.user,
        jdbcPassword: jdbc.password,
      });
    }
    const deps: ProcessDeps = {
      db,
      runner,
      input,
      jdbcUrl: jdbc.jdbcUrl,
      windowMinutes: s.windowMinutes,
      latenessMinutes: s.latenessMinutes,
      maxAttempts: o.maxAttempts,
      retryDelayMs: o.retryDelayMs,
      rangeWindows: o.rangeWindows ?? DEFAULT_RANGE_WINDOWS,
      owner: newOwner(),
      signal: o.signal,
      artifactsUri,
      // Every runner runs the generated plan of this checkout (the local runner from disk, EMR
      // and EMR Serverless from the artifacts uploaded from the same directory).
      sqlHashes: existsSync(o.plan ?? DEFAULT_PLAN) ? planSqlHashes(o.plan ?? DEFAULT_PLAN) : undefined,
    };
    return { deps, databaseUrl: handle.url, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * The EMR runner of the scheduler: checks credentials and the cluster, uploads the step's
 * artifacts once (content-addressed, so a restart with the same code uploads nothing), and reads
 * each finished step's stats from its pipeline_run row.
 */
async function emrRunner(
  s: Settings,
  o: PipelineOptions,
  db: RunsDb,
): Promise<{ runner: StepRunner; artifactsUri: string }> {
  const clusterId = o.cluster ?? s.emrCluster;
  if (!clusterId)
    throw usageError("no EMR cluster given", "pass --cluster j-XXXXXXXXXXXXX or set TRENDS_EMR_CLUSTER");
  const { bucket, jdbcSecret } = remoteInputs(s, o);
  const aws = awsOptionsFrom(s);
  const emr = createEmr(aws);
  await checkCredentials(emr);
  const probe = new EmrStepRunner({ emr, clusterId, artifacts: { stepScript: "", jdbcJar: "" } });
  await probe.cluster();
  const artifacts = await upload(s, bucket);
  const runner = new EmrStepRunner({ emr, clusterId, artifacts, jdbcSecret, readResult: runStatsReader(db) });
  return { runner, artifactsUri: artifacts.baseUri };
}

/** The EMR Serverless runner: the same checks, upload and stats as the EMR one, on an application. */
async function serverlessRunner(
  s: Settings,
  o: PipelineOptions,
  db: RunsDb,
): Promise<{ runner: StepRunner; artifactsUri: string }> {
  const target = serverlessTarget(s, o);
  const { bucket, jdbcSecret } = remoteInputs(s, o);
  const client = createEmrServerless(awsOptionsFrom(s));
  await checkCredentials(client);
  const job = { client, ...target, sizing: serverlessSizing(s), jdbcSecret };
  await new EmrServerlessStepRunner({ ...job, artifacts: { stepScript: "", jdbcJar: "" } }).application();
  const artifacts = await upload(s, bucket);
  const runner = new EmrServerlessStepRunner({ ...job, artifacts, readResult: runStatsReader(db) });
  return { runner, artifactsUri: artifacts.baseUri };
}

/** The artifacts bucket and the JDBC secret id every remote runner needs. */
function remoteInputs(s: Settings, o: PipelineOptions): { bucket: string; jdbcSecret: string } {
  const bucket = o.bucket ?? s.bucket;
  if (!bucket) throw usageError("no S3 bucket for the artifacts", "pass --bucket NAME or set TRENDS_BUCKET");
  const jdbcSecret = o.jdbcSecret ?? process.env.TRENDS_JDBC_SECRET;
  if (!jdbcSecret) {
    throw usageError(
      `no database credentials for the steps on ${o.runner === "emr" ? "EMR" : "EMR Serverless"}`,
      "store them in Secrets Manager and pass --jdbc-secret ID (or set TRENDS_JDBC_SECRET)",
    );
  }
  return { bucket, jdbcSecret };
}

const upload = (s: Settings, bucket: string) =>
  uploadArtifacts({
    s3: createS3(awsOptionsFrom(s)),
    bucket,
    files: collectArtifacts({ jdbcJar: jdbcJarPath(s.cacheDir) }),
  });
