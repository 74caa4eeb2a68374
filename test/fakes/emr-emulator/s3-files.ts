import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";

const S3_URI = /^s3a?:\/\/([^/]+)\/(.*)$/;

export const isS3Uri = (s: string): boolean => S3_URI.test(s);

/**
 * Copies an `s3://` object, or every object under an `s3://…/` prefix, into `dir` and returns the
 * local path — the cluster's view of S3 for a step that runs on this machine. A missing prefix
 * becomes a directory that does not exist, as the step contract expects for empty hours.
 */
export async function fetchS3(s3: S3Client, uri: string, dir: string): Promise<string> {
  const m = S3_URI.exec(uri)!;
  const bucket = m[1]!;
  const key = m[2]!;
  const local = join(dir, bucket, key);
  if (!key.endsWith("/")) {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    mkdirSync(dirname(local), { recursive: true });
    writeFileSync(local, await out.Body!.transformToByteArray());
    return local;
  }
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      const path = join(dir, bucket, o.Key!);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, await out.Body!.transformToByteArray());
    }
    token = page.NextContinuationToken;
  } while (token);
  return local;
}

/** Writes a gzipped log object, as EMR's log pusher does. */
export async function putLog(s3: S3Client, uri: string, text: string): Promise<void> {
  const m = S3_URI.exec(uri);
  if (!m) return;
  await s3.send(new PutObjectCommand({ Bucket: m[1]!, Key: m[2]!, Body: gzipSync(text) }));
}
