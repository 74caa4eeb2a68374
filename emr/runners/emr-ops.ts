import { gunzipSync } from "node:zlib";
import type { AddJobFlowStepsInput, EMRClient } from "@aws-sdk/client-emr";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { usageError } from "../../runtime/errors/index.ts";
import { inputHourPrefixes, type Window } from "../../runtime/windows/index.ts";
import { type ArtifactFile, locateArtifacts, uploadArtifacts } from "../artifacts/index.ts";
import { addStepsInput, EmrStepRunner, emrStepConfig, mapEmrError } from "./emr.ts";
import { stepName } from "./step-args.ts";
import type { StepRequest } from "./step-runner.ts";

export interface EmrSubmission {
  clusterId: string;
  bucket: string;
  /** `raw/` by default: where Firehose writes the arrival-hour prefixes. */
  rawPrefix: string;
  latenessMinutes: number;
  windows: readonly Window[];
  jdbcUrl: string;
  jdbcSecret: string;
  files: readonly ArtifactFile[];
  /**
   * At most this many consecutive windows per step (one Spark application, a transaction per
   * window, as `trends run` submits them); 1 = a step per window. Default 1.
   */
  rangeWindows?: number | undefined;
}

/**
 * The step requests of the windows: runs of at most `rangeWindows` consecutive windows, each a
 * step reading the union of its windows' arrival-hour prefixes under `s3://BUCKET/raw/`, every
 * window its own prefixes (by index) — the step contract's `--windows`/`--window-inputs`.
 */
export function windowRequests(
  p: Pick<EmrSubmission, "bucket" | "rawPrefix" | "latenessMinutes" | "windows" | "jdbcUrl" | "rangeWindows">,
): StepRequest[] {
  const prefixes = (w: Window) =>
    inputHourPrefixes(w, p.latenessMinutes).map((h) => `s3://${p.bucket}/${p.rawPrefix}${h}`);
  const per = Math.max(1, Math.floor(p.rangeWindows ?? 1));
  const runs: Window[][] = [];
  for (const w of p.windows) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    // Only windows that follow each other make a range (the step runs N from the first).
    if (run && last && run.length < per && last.end.getTime() === w.start.getTime()) run.push(w);
    else runs.push([w]);
  }
  return runs.map((run) => {
    const first = run[0]!;
    if (run.length === 1) return { window: first, inputs: prefixes(first), jdbcUrl: p.jdbcUrl };
    const inputs = [...new Set(run.flatMap(prefixes))];
    return {
      window: first,
      inputs,
      jdbcUrl: p.jdbcUrl,
      range: { count: run.length, windowInputs: run.map((w) => prefixes(w).map((u) => inputs.indexOf(u))) },
    };
  });
}

/** Exactly what `submitWindows` would send, computed from local files only (`--dry-run`). */
export function dryRunSteps(p: EmrSubmission): AddJobFlowStepsInput {
  const artifacts = locateArtifacts(p.bucket, p.files);
  return addStepsInput(
    p.clusterId,
    windowRequests(p).map((r) => emrStepConfig(r, { artifacts, jdbcSecret: p.jdbcSecret })),
  );
}

export interface Submitted {
  /** The first window of the step. */
  window: string;
  /** How many consecutive windows the step processes (1 for a single window). */
  windows: number;
  stepId: string;
  name: string;
}

/**
 * Checks credentials and the cluster, uploads the artifacts, then submits one step per range of
 * windows (`rangeWindows`).
 * Everything a user can get wrong fails before the first AddJobFlowSteps.
 */
export async function submitWindows(
  p: EmrSubmission,
  clients: { emr: EMRClient; s3: S3Client },
): Promise<{ artifacts: string; steps: Submitted[] }> {
  const requests = windowRequests(p);
  await checkCredentials(clients.emr);
  const probe = new EmrStepRunner({
    emr: clients.emr,
    clusterId: p.clusterId,
    artifacts: locateArtifacts(p.bucket, p.files),
    jdbcSecret: p.jdbcSecret,
  });
  for (const r of requests)
    emrStepConfig(r, { artifacts: locateArtifacts(p.bucket, p.files), jdbcSecret: p.jdbcSecret });
  await probe.cluster();
  const artifacts = await uploadArtifacts({ s3: clients.s3, bucket: p.bucket, files: p.files });
  const runner = new EmrStepRunner({
    emr: clients.emr,
    clusterId: p.clusterId,
    artifacts,
    jdbcSecret: p.jdbcSecret,
  });
  const steps: Submitted[] = [];
  for (const r of requests) {
    steps.push({
      window: r.window.start.toISOString(),
      windows: r.range?.count ?? 1,
      stepId: await runner.submit(r),
      name: stepName(r),
    });
  }
  return { artifacts: artifacts.baseUri, steps };
}

/** Resolves the SDK's credential chain now, so "no credentials" is a one-line usage error. */
export async function checkCredentials(client: {
  config: { credentials: () => Promise<unknown> };
}): Promise<void> {
  try {
    await client.config.credentials();
  } catch (e) {
    const err = mapEmrError(Object.assign(e as Error, { name: "CredentialsProviderError" }), "");
    throw err;
  }
}

export interface StepLogs {
  /** `s3://…/<cluster>/steps/<step>/`: the step's own logs (in cluster mode, only the YARN client's). */
  stepLogs?: string;
  /** The driver's logs: the first YARN container of the step's application. */
  driverLogs?: string;
  applicationId?: string;
  /** Fetched log files by URI, gunzipped. */
  files: Record<string, string>;
  /** What to do when something is not there yet. */
  note?: string;
}

/**
 * Where a step's logs are, and their text when EMR has pushed them. With `--deploy-mode cluster`
 * the driver runs in the YARN application master, so its output is in the first container's log,
 * found through the application id the step's stderr names.
 */
export async function findStepLogs(o: {
  emr: EMRClient;
  s3: S3Client;
  clusterId: string;
  stepId: string;
  fetch: boolean;
}): Promise<StepLogs> {
  const runner = new EmrStepRunner({
    emr: o.emr,
    clusterId: o.clusterId,
    artifacts: { stepScript: "", jdbcJar: "" },
  });
  await runner.status(o.stepId); // an unknown step is a usage error
  const { logUri } = await runner.cluster();
  if (!logUri) {
    return {
      files: {},
      note: `cluster ${o.clusterId} has no LogUri; the logs are on the primary node under /mnt/var/log/hadoop/steps/${o.stepId}/ and in the YARN ResourceManager UI`,
    };
  }
  const stepLogs = `${logUri}${o.clusterId}/steps/${o.stepId}/`;
  const out: StepLogs = { stepLogs, files: {} };
  if (!o.fetch) return out;
  const stderr = await getText(o.s3, `${stepLogs}stderr.gz`);
  if (stderr === undefined) {
    return {
      ...out,
      note: "EMR has not pushed this step's logs yet (it does every few minutes); try again later",
    };
  }
  out.files[`${stepLogs}stderr.gz`] = stderr;
  const app = /application_\d+_\d+/.exec(stderr)?.[0];
  if (!app) return { ...out, note: "the step's stderr names no YARN application; the driver never started" };
  const containers = `${logUri}${o.clusterId}/containers/${app}/`;
  const keys = await listKeys(o.s3, containers);
  const first = keys
    .map((k) => /container_[^/]+/.exec(k)?.[0])
    .filter((c): c is string => c !== undefined)
    .sort()[0];
  out.applicationId = app;
  if (!first)
    return { ...out, note: `no container logs under ${containers} yet; EMR pushes them every few minutes` };
  out.driverLogs = `${containers}${first}/`;
  for (const name of ["stdout.gz", "stderr.gz"]) {
    const text = await getText(o.s3, `${out.driverLogs}${name}`);
    if (text !== undefined) out.files[`${out.driverLogs}${name}`] = text;
  }
  return out;
}

const parseS3 = (uri: string): { Bucket: string; Key: string } => {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!m) throw usageError(`${uri} is not an s3:// URI`);
  return { Bucket: m[1]!, Key: m[2]! };
};

/** An S3 object's text (gunzipped for `.gz`), or undefined when it is not there (yet). */
export async function getText(s3: S3Client, uri: string): Promise<string | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand(parseS3(uri)));
    const bytes = Buffer.from(await out.Body!.transformToByteArray());
    return (uri.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    throw e;
  }
}

async function listKeys(s3: S3Client, uri: string): Promise<string[]> {
  const { Bucket, Key } = parseS3(uri);
  const out = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: Key }));
  return (out.Contents ?? []).map((c) => c.Key!).filter(Boolean);
}
