import type { EMRServerlessClient, StartJobRunRequest } from "@aws-sdk/client-emr-serverless";
import type { S3Client } from "@aws-sdk/client-s3";
import { S3_PREFIX_URI, type Settings } from "../../runtime/config/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import { type ArtifactFile, locateArtifacts, uploadArtifacts } from "../artifacts/index.ts";
import type { StepArtifacts } from "./emr.ts";
import { checkCredentials, type EmrSubmission, getText, type Submitted, windowRequests } from "./emr-ops.ts";
import {
  checkServerlessIds,
  DEFAULT_SERVERLESS_SIZING,
  EmrServerlessStepRunner,
  jobRunLogPrefix,
  type ServerlessSizing,
  startJobRunInput,
} from "./emr-serverless.ts";
import { stepName } from "./step-args.ts";

/** Job run size from the settings (`serverlessExecutors`, `…ExecutorCores`, `…ExecutorMemory`). */
export const serverlessSizing = (s: Settings): ServerlessSizing => ({
  ...DEFAULT_SERVERLESS_SIZING,
  executorInstances: s.serverlessExecutors,
  executorCores: s.serverlessExecutorCores,
  executorMemory: s.serverlessExecutorMemory,
});

/** Application, execution role and log URI from flags, else settings; each missing one named. */
export function serverlessTarget(
  s: Settings,
  flags: {
    application?: string | undefined;
    executionRole?: string | undefined;
    logUri?: string | undefined;
    bucket?: string | undefined;
  },
  needRole = true,
): { applicationId: string; executionRoleArn?: string; logUri?: string } {
  const applicationId = flags.application ?? s.serverlessApplication;
  if (!applicationId) {
    throw usageError(
      "no EMR Serverless application given",
      "pass --application ID or set TRENDS_SERVERLESS_APPLICATION (see emr/README.md to create one)",
    );
  }
  const executionRoleArn = flags.executionRole ?? s.serverlessExecutionRole;
  if (needRole && !executionRoleArn) {
    throw usageError(
      "no execution role for the EMR Serverless job runs",
      "pass --execution-role arn:aws:iam::ACCOUNT:role/NAME or set TRENDS_SERVERLESS_EXECUTION_ROLE",
    );
  }
  checkServerlessIds(applicationId, executionRoleArn);
  const bucket = flags.bucket ?? s.bucket;
  const logUri =
    flags.logUri ?? s.serverlessLogUri ?? (bucket ? `s3://${bucket}/logs/serverless/` : undefined);
  // The settings schema checks TRENDS_SERVERLESS_LOG_URI; the flag gets the same check here.
  if (flags.logUri !== undefined && !S3_PREFIX_URI.test(flags.logUri))
    throw usageError(
      `--log-uri ${JSON.stringify(flags.logUri)} is not an s3://bucket/prefix/ URI`,
      "pass --log-uri s3://BUCKET/logs/serverless/",
    );
  return {
    applicationId,
    ...(executionRoleArn ? { executionRoleArn } : {}),
    ...(logUri ? { logUri } : {}),
  };
}

export interface ServerlessSubmission extends Omit<EmrSubmission, "clusterId" | "files"> {
  applicationId: string;
  executionRoleArn: string;
  /** `s3://…/` for the job runs' logs (S3 monitoring configuration); default `s3://BUCKET/logs/serverless/`. */
  logUri: string;
  sizing?: ServerlessSizing | undefined;
  files: readonly ArtifactFile[];
}

const jobOptions = (p: ServerlessSubmission, artifacts: StepArtifacts) => ({
  applicationId: p.applicationId,
  executionRoleArn: p.executionRoleArn,
  artifacts,
  jdbcSecret: p.jdbcSecret,
  logUri: p.logUri,
  sizing: p.sizing,
});

/** Exactly what `submitJobRuns` would send, from local files only (`--dry-run`; secrets-free). */
export const dryRunJobRuns = (p: ServerlessSubmission): StartJobRunRequest[] =>
  windowRequests(p).map((r) => startJobRunInput(r, jobOptions(p, locateArtifacts(p.bucket, p.files))));

/**
 * Checks credentials and the application, uploads the artifacts (content-hashed, as for EMR), then
 * starts one job run per window. Everything a user can get wrong fails before the first StartJobRun.
 */
export async function submitJobRuns(
  p: ServerlessSubmission,
  clients: { serverless: EMRServerlessClient; s3: S3Client },
): Promise<{ artifacts: string; jobRuns: Submitted[] }> {
  const requests = windowRequests(p);
  await checkCredentials(clients.serverless);
  for (const r of requests) startJobRunInput(r, jobOptions(p, locateArtifacts(p.bucket, p.files)));
  const probe = new EmrServerlessStepRunner({
    client: clients.serverless,
    ...jobOptions(p, locateArtifacts(p.bucket, p.files)),
  });
  await probe.application();
  const artifacts = await uploadArtifacts({ s3: clients.s3, bucket: p.bucket, files: p.files });
  const runner = new EmrServerlessStepRunner({ client: clients.serverless, ...jobOptions(p, artifacts) });
  const jobRuns: Submitted[] = [];
  for (const r of requests) {
    jobRuns.push({
      window: r.window.start.toISOString(),
      windows: r.range?.count ?? 1,
      stepId: await runner.submit(r),
      name: stepName(r),
    });
  }
  return { artifacts: artifacts.baseUri, jobRuns };
}

export interface JobRunLogs {
  /** `s3://…/applications/<app>/jobs/<run>/SPARK_DRIVER/`: the driver's stdout and stderr. */
  driverLogs: string;
  files: Record<string, string>;
  note?: string;
}

/**
 * A job run's driver logs from the S3 monitoring configuration: EMR Serverless writes
 * `SPARK_DRIVER/stdout.gz` and `stderr.gz` under `applications/<app>/jobs/<run>/` of the logUri.
 */
export async function findJobRunLogs(o: {
  serverless: EMRServerlessClient;
  s3: S3Client;
  applicationId: string;
  jobRunId: string;
  logUri: string;
  fetch: boolean;
}): Promise<JobRunLogs> {
  const runner = new EmrServerlessStepRunner({
    client: o.serverless,
    applicationId: o.applicationId,
    artifacts: { stepScript: "", jdbcJar: "" },
  });
  await runner.status(o.jobRunId); // an unknown job run is a usage error
  const driverLogs = `${jobRunLogPrefix(o.logUri, o.applicationId, o.jobRunId)}SPARK_DRIVER/`;
  const out: JobRunLogs = { driverLogs, files: {} };
  if (!o.fetch) return out;
  for (const name of ["stdout.gz", "stderr.gz"]) {
    const text = await getText(o.s3, `${driverLogs}${name}`);
    if (text !== undefined) out.files[`${driverLogs}${name}`] = text;
  }
  if (Object.keys(out.files).length === 0) {
    out.note = `no logs under ${driverLogs} yet: EMR Serverless writes them while the job runs, if the job was started with this logUri`;
  }
  return out;
}
