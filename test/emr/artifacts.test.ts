import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectArtifacts, locateArtifacts, uploadArtifacts } from "../../emr/index.ts";
import { createS3 } from "../../runtime/aws/index.ts";
import { localAws } from "../support/services.ts";

const BUCKET = "trends-artifacts-test";
const s3 = createS3(localAws());
let dir: string;

const write = (path: string, body: string) => {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, body);
};
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "trends-artifacts-"));
  write(join(dir, "gen/steps/window_job.json"), '{"version": 1}\n');
  write(join(dir, "rt/window_step.py"), "print('step')\n");
  write(join(dir, "rt/trends_step/__init__.py"), "\n");
  write(join(dir, "gen/sql/sentiment.sql"), "SELECT 1\n");
  write(join(dir, "gen/.hidden"), "not shipped\n");
  write(join(dir, "postgresql-42.7.14.jar"), "JAR");
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("artifacts", () => {
  it("uploads under the content hash once, then skips; a changed file is a new hash", async () => {
    const files = collectArtifacts({
      generatedDir: join(dir, "gen"),
      runtimeDir: join(dir, "rt"),
      jdbcJar: join(dir, "postgresql-42.7.14.jar"),
    });
    const keys = [
      "jars/postgresql-42.7.14.jar",
      "runtime/trends_step.zip",
      "runtime/window_step.py",
      "sql/sentiment.sql",
      "steps/window_job.json",
    ];
    expect(files.map((f) => f.key)).toEqual(keys);
    // The runtime package is zipped deterministically: the same code, the same bytes.
    const zip = files.find((f) => f.key === "runtime/trends_step.zip")!.path;
    expect(
      collectArtifacts({
        generatedDir: join(dir, "gen"),
        runtimeDir: join(dir, "rt"),
        jdbcJar: join(dir, "postgresql-42.7.14.jar"),
      }).find((f) => f.key === "runtime/trends_step.zip")!.path,
    ).toBe(zip);
    const zipSha = createHash("sha256").update(readFileSync(zip)).digest("hex");
    // The hash by hand: SHA-256 over "key\0sha256(content)\n" in key order, first 20 hex digits.
    const expected = sha(
      `jars/postgresql-42.7.14.jar\0${sha("JAR")}\nruntime/trends_step.zip\0${zipSha}\nruntime/window_step.py\0${sha("print('step')\n")}\nsql/sentiment.sql\0${sha("SELECT 1\n")}\nsteps/window_job.json\0${sha('{"version": 1}\n')}\n`,
    ).slice(0, 20);

    const first = await uploadArtifacts({ s3, bucket: BUCKET, files });
    expect(first.hash).toBe(expected);
    expect(first.stepScript).toBe(`s3://${BUCKET}/artifacts/${expected}/runtime/window_step.py`);
    expect(first.plan).toBe(`s3://${BUCKET}/artifacts/${expected}/steps/window_job.json`);
    expect(first.pyFiles).toBe(`s3://${BUCKET}/artifacts/${expected}/runtime/trends_step.zip`);
    expect(first.jdbcJar).toBe(`s3://${BUCKET}/artifacts/${expected}/jars/postgresql-42.7.14.jar`);
    expect(first.uploaded).toEqual(keys);
    expect(locateArtifacts(BUCKET, files).baseUri).toBe(first.baseUri);

    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `artifacts/${expected}/` }),
    );
    expect(listed.Contents?.map((c) => c.Key).sort()).toEqual(
      [...keys.slice(0, 1), "manifest.json", ...keys.slice(1)].map((k) => `artifacts/${expected}/${k}`),
    );
    const body = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `artifacts/${expected}/runtime/window_step.py` }),
    );
    expect(await body.Body!.transformToString()).toBe("print('step')\n");

    const again = await uploadArtifacts({ s3, bucket: BUCKET, files });
    expect(again.uploaded).toEqual([]);
    expect(again.skipped).toHaveLength(5);

    write(join(dir, "gen/sql/sentiment.sql"), "SELECT 2\n");
    const changed = await uploadArtifacts({ s3, bucket: BUCKET, files });
    expect(changed.hash).not.toBe(expected);
    expect(changed.uploaded).toHaveLength(5);
  });

  it("names the fix when the bucket or the generated step is missing", async () => {
    const files = collectArtifacts({
      generatedDir: join(dir, "gen"),
      runtimeDir: join(dir, "rt"),
      jdbcJar: join(dir, "postgresql-42.7.14.jar"),
    });
    await expect(uploadArtifacts({ s3, bucket: "no-such-bucket-x", files })).rejects.toThrow(
      "S3 bucket no-such-bucket-x does not exist",
    );
    expect(() =>
      collectArtifacts({ generatedDir: join(dir, "nothing"), jdbcJar: join(dir, "x.jar") }),
    ).toThrow(/window_job.json does not exist/);
  });
});
