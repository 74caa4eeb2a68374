import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type ArtifactFile, type StepArtifacts, uploadArtifacts } from "../../emr/index.ts";
import { sparkInstall } from "../support/services.ts";

/** A stand-in step of the EMR emulator's tests (test/fakes/emr-emulator/steps/). */
export const fakeStep = (name: string): string =>
  fileURLToPath(new URL(`../fakes/emr-emulator/steps/${name}`, import.meta.url));

/** The database password the cluster or job knows (through the secret); never in a request. */
export const PASSWORD = "s3cr3t-Pa55word";
export const ROLE = "arn:aws:iam::123456789012:role/trends-serverless-job";

/** The stand-in window step, `extra` files and the run's JDBC jar, uploaded as a step's artifacts. */
export const uploadFakeStep = (
  s3: S3Client,
  bucket: string,
  extra: ArtifactFile[] = [],
): Promise<StepArtifacts> =>
  uploadArtifacts({
    s3,
    bucket,
    files: [
      { key: "runtime/window_step.py", path: fakeStep("fake_window_step.py") },
      ...extra,
      { key: "jars/postgresql.jar", path: sparkInstall().jdbcJar },
    ],
  });

/** The fake step's input for each contract scenario: file name → content. */
export const INPUT_FILES: Record<"ok" | "fail" | "sleep", Record<string, string>> = {
  ok: { "trends-1-2026-11-26-04-10-00-aaaa": '{"id":"1"}\nnot json\n{"id":"2"}\n' },
  fail: { _fail: "" },
  sleep: { _sleep: "" },
};

/** Writes a scenario's files into `dir/<kind>/2026/11/26/04/` and returns that prefix. */
export function writeInputs(dir: string, kind: keyof typeof INPUT_FILES): string {
  const prefix = join(dir, kind, "2026/11/26/04");
  mkdirSync(prefix, { recursive: true });
  for (const [name, body] of Object.entries(INPUT_FILES[kind])) writeFileSync(join(prefix, name), body);
  return `${prefix}/`;
}

/** The harness's `inputs` over S3: a scenario's files under `s3://BUCKET/raw-<kind>/…/04/`, and an empty hour. */
export const s3Inputs =
  (s3: () => S3Client, bucket: string) =>
  async (kind: keyof typeof INPUT_FILES): Promise<string[]> => {
    const prefix = `raw-${kind}/2026/11/26/04/`;
    for (const [name, body] of Object.entries(INPUT_FILES[kind])) {
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${name}`, Body: body }));
    }
    return [`s3://${bucket}/${prefix}`, `s3://${bucket}/raw-${kind}/2026/11/26/05/`];
  };
