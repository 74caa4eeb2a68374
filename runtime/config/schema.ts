import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { CONSTANTS } from "../../sparkgen/generated/constants.ts";
import { LOG_LEVELS } from "../log/index.ts";

/**
 * Every setting of the tool, with where it comes from. Precedence: flag > environment variable >
 * `trends.config.json` > default. The env names are the documented ones (README, "Configuration").
 */
/**
 * An `s3://bucket/prefix/` URI (EMR Serverless's monitoring logUri): a bucket name as S3 allows
 * it, and a key prefix without white space or control characters.
 */
export const S3_PREFIX_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^\s\u0000-\u001f\u007f]*$/;

export const settingsSchema = z.object({
  logLevel: z.enum(LOG_LEVELS).default("info"),
  /** Per-user cache: the pinned PySpark virtualenv, the JDBC jar, moto, the local database. */
  cacheDir: z
    .string()
    .min(1)
    .default(join(homedir(), ".cache", "trends")),
  /** An existing Spark installation to use instead of the pinned PySpark. */
  sparkHome: z.string().min(1).optional(),
  /** Results database; unset means "start the local PostgreSQL under cacheDir". */
  databaseUrl: z.string().url().optional(),
  databaseCaFile: z.string().min(1).optional(),
  databasePoolSize: z.coerce.number().int().min(1).max(100).default(10),
  databaseStatementTimeoutMs: z.coerce.number().int().min(0).default(30_000),
  awsRegion: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as eu-west-1")
    .optional(),
  /** An AWS-compatible endpoint (moto, the test emulator); unset means real AWS. */
  awsEndpoint: z.string().url().optional(),
  awsForcePathStyle: z.coerce.boolean().default(false),
  firehoseStream: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{1,64}$/, "a Firehose stream name")
    .optional(),
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name")
    .optional(),
  rawPrefix: z.string().default("raw/"),
  emrCluster: z
    .string()
    .regex(/^j-[A-Z0-9]{1,20}$/, "an EMR cluster id such as j-2AXXXXXXGAPLF")
    .optional(),
  /** EMR Serverless: the application, the job's execution role and where its logs go. */
  serverlessApplication: z
    .string()
    .regex(/^[0-9a-z]{1,64}$/, "an EMR Serverless application id such as 00fabcdexample09")
    .optional(),
  serverlessExecutionRole: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "an IAM role ARN")
    .optional(),
  serverlessLogUri: z.string().regex(S3_PREFIX_URI, "an s3://bucket/prefix/ URI").optional(),
  /** Size of each job run: the window job needs one small executor (see emr/README.md). */
  serverlessExecutors: z.coerce.number().int().min(1).max(100).default(1),
  serverlessExecutorCores: z.coerce
    .number()
    .int()
    .refine((c) => [1, 2, 4, 8, 16].includes(c), "1, 2, 4, 8 or 16 (EMR Serverless worker sizes)")
    .default(2),
  serverlessExecutorMemory: z
    .string()
    .regex(/^\d+g$/, "gigabytes such as 4g")
    .default("4g"),
  /** The job spec's window (sparkgen/specs/window-job.ts) unless set. */
  windowMinutes: z.coerce
    .number()
    .int()
    .refine((m) => m > 0 && 1440 % m === 0, "a number of minutes that divides a day (15, 30, 60…)")
    .default(CONSTANTS.job.windowMinutes),
  latenessMinutes: z.coerce.number().int().min(0).default(10),
  xBearerToken: z.string().min(1).optional(),
  googleCredentials: z.string().min(1).optional(),
});

export type Settings = z.infer<typeof settingsSchema>;
export type SettingName = keyof Settings;

/** Environment variable for each setting that has one. */
export const ENV_NAMES: Partial<Record<SettingName, string>> = {
  logLevel: "TRENDS_LOG_LEVEL",
  cacheDir: "TRENDS_CACHE_DIR",
  sparkHome: "SPARK_HOME",
  databaseUrl: "DATABASE_URL",
  databaseCaFile: "TRENDS_DATABASE_CA_FILE",
  databasePoolSize: "TRENDS_DATABASE_POOL_SIZE",
  databaseStatementTimeoutMs: "TRENDS_DATABASE_STATEMENT_TIMEOUT_MS",
  awsRegion: "AWS_REGION",
  awsEndpoint: "TRENDS_AWS_ENDPOINT",
  awsForcePathStyle: "TRENDS_AWS_FORCE_PATH_STYLE",
  firehoseStream: "TRENDS_FIREHOSE_STREAM",
  bucket: "TRENDS_BUCKET",
  rawPrefix: "TRENDS_RAW_PREFIX",
  emrCluster: "TRENDS_EMR_CLUSTER",
  serverlessApplication: "TRENDS_SERVERLESS_APPLICATION",
  serverlessExecutionRole: "TRENDS_SERVERLESS_EXECUTION_ROLE",
  serverlessLogUri: "TRENDS_SERVERLESS_LOG_URI",
  serverlessExecutors: "TRENDS_SERVERLESS_EXECUTORS",
  serverlessExecutorCores: "TRENDS_SERVERLESS_EXECUTOR_CORES",
  serverlessExecutorMemory: "TRENDS_SERVERLESS_EXECUTOR_MEMORY",
  windowMinutes: "TRENDS_WINDOW_MINUTES",
  latenessMinutes: "TRENDS_LATENESS_MINUTES",
  xBearerToken: "X_BEARER_TOKEN",
  googleCredentials: "GOOGLE_APPLICATION_CREDENTIALS",
};
