import { readFileSync } from "node:fs";
import { HeadBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { TrendsError, usageError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import {
  type ArtifactFile,
  type HashedFile,
  hashFiles,
  PLAN_KEY,
  RUNTIME_ZIP_KEY,
  STEP_SCRIPT_KEY,
} from "./files.ts";

export const ARTIFACTS_PREFIX = "artifacts/";
export const MANIFEST_KEY = "manifest.json";

/** Where a set of artifacts lives (or will live) in S3. */
export interface ArtifactLocation {
  /** The first 20 hex digits of the SHA-256 over every file's key and content. */
  readonly hash: string;
  /** `s3://BUCKET/artifacts/<hash>/` — recorded with each run, so it names the exact code it ran. */
  readonly baseUri: string;
  /** Every file's URI, by key (`steps/window_job.json`, `jars/postgresql-….jar`, …). */
  readonly uris: Readonly<Record<string, string>>;
  readonly stepScript: string;
  /** The job plan and the runtime zip; absent only in a set carrying a stand-in step script. */
  readonly plan?: string;
  readonly pyFiles?: string;
  readonly jdbcJar: string;
}

/**
 * The job plan for a Spark target (`spark-3.5`, `spark-4.0`): `trends sparkgen` writes a target
 * its own plan (`generated/<target>/steps/…`, with the SQL files that differ for it) only where
 * its printed files differ from the shared ones, and the upload carries that directory too. No
 * target (a cluster whose release label is unknown here) gets the shared plan.
 */
export function planFor(
  a: { readonly uris?: Readonly<Record<string, string>>; readonly plan?: string },
  target?: string,
): string | undefined {
  return (target === undefined ? undefined : a.uris?.[`${target}/${PLAN_KEY}`]) ?? a.plan;
}

export interface UploadResult extends ArtifactLocation {
  readonly uploaded: readonly string[];
  readonly skipped: readonly string[];
}

/** The URIs the artifacts get, computed from local files only (for `--dry-run`). */
export function locateArtifacts(
  bucket: string,
  files: readonly ArtifactFile[],
): ArtifactLocation & { files: HashedFile[] } {
  const { hash, files: hashed } = hashFiles(files);
  const baseUri = `s3://${bucket}/${ARTIFACTS_PREFIX}${hash}/`;
  const uris = Object.fromEntries(hashed.map((f) => [f.key, `${baseUri}${f.key}`]));
  const jar = hashed.find((f) => f.key.startsWith("jars/") && f.key.endsWith(".jar"));
  const stepScript = uris[STEP_SCRIPT_KEY];
  const plan = uris[PLAN_KEY];
  const pyFiles = uris[RUNTIME_ZIP_KEY];
  if (!stepScript || !jar) throw usageError(`the artifacts need ${STEP_SCRIPT_KEY} and a jars/*.jar`);
  return {
    hash,
    baseUri,
    uris,
    stepScript,
    ...(plan ? { plan } : {}),
    ...(pyFiles ? { pyFiles } : {}),
    jdbcJar: uris[jar.key]!,
    files: hashed,
  };
}

/**
 * Uploads the step's files to `s3://BUCKET/artifacts/<content hash>/`, skipping objects already
 * there (HeadObject), then a `manifest.json` listing them — written last, so its presence means
 * the set is complete and a later upload of the same code costs one request.
 */
export async function uploadArtifacts(o: {
  s3: S3Client;
  bucket: string;
  files: readonly ArtifactFile[];
}): Promise<UploadResult> {
  const located = locateArtifacts(o.bucket, o.files);
  const prefix = `${ARTIFACTS_PREFIX}${located.hash}/`;
  await checkBucket(o.s3, o.bucket);
  const { files, ...location } = located;
  if (await exists(o.s3, o.bucket, `${prefix}${MANIFEST_KEY}`)) {
    return { ...location, uploaded: [], skipped: files.map((f) => f.key) };
  }
  const uploaded: string[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    if (await exists(o.s3, o.bucket, `${prefix}${f.key}`)) {
      skipped.push(f.key);
      continue;
    }
    await o.s3.send(
      new PutObjectCommand({
        Bucket: o.bucket,
        Key: `${prefix}${f.key}`,
        Body: readFileSync(f.path),
        Metadata: { sha256: f.sha256 },
      }),
    );
    uploaded.push(f.key);
  }
  const manifest = {
    hash: located.hash,
    files: files.map(({ key, sha256, bytes }) => ({ key, sha256, bytes })),
  };
  await o.s3.send(
    new PutObjectCommand({
      Bucket: o.bucket,
      Key: `${prefix}${MANIFEST_KEY}`,
      Body: `${JSON.stringify(manifest, null, 2)}\n`,
      ContentType: "application/json",
    }),
  );
  log().info(
    { artifacts: located.baseUri, uploaded: uploaded.length, skipped: skipped.length },
    "artifacts ready",
  );
  return { ...location, uploaded, skipped };
}

async function checkBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) {
      throw usageError(
        `S3 bucket ${bucket} does not exist`,
        "create it, or pass an existing one with --bucket",
      );
    }
    if (status === 403) {
      throw usageError(
        `no access to S3 bucket ${bucket}`,
        "grant the policy from `trends aws policy --role scheduler`",
      );
    }
    throw new TrendsError(`could not reach S3 bucket ${bucket}: ${(e as Error).message}`, { cause: e });
  }
}

async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}
