import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3 } from "../../runtime/aws/index.ts";
import { type EmrEmulator, startEmrEmulator } from "../fakes/emr-emulator/index.ts";
import { freshDatabase, localAws, sparkInstall } from "../support/services.ts";

const BIN = fileURLToPath(new URL("../../bin/trends.js", import.meta.url));
const FAKE_STEP = fileURLToPath(new URL("../fakes/emr-emulator/steps/fake_window_step.py", import.meta.url));
const BUCKET = "trends-cli-emr";
const CLUSTER = "j-CLITEST00001";
const APP = "00fclitest000001";
const ROLE = "arn:aws:iam::123456789012:role/trends-serverless-job";

let emu: EmrEmulator;
let dir: string;
let gen: string;
let jdbcUrl: string;

interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

function trends(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Cli> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    "TRENDS_BUCKET",
    "TRENDS_EMR_CLUSTER",
    "TRENDS_JDBC_SECRET",
    "DATABASE_URL",
    "AWS_PROFILE",
  ])
    delete base[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, "--aws-endpoint", emu.endpoint], {
      cwd: dir,
      env: {
        ...base,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_REGION: "us-east-1",
        AWS_EC2_METADATA_DISABLED: "true",
        TRENDS_LOG_LEVEL: "warn",
        // The AWS SDK warns about Node 20 on every start; the assertions are about our lines.
        NODE_NO_WARNINGS: "1",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const submitArgs = (window: string) => [
  "emr",
  "submit",
  "--cluster",
  CLUSTER,
  "--bucket",
  BUCKET,
  "--window",
  window,
  "--jdbc-url",
  jdbcUrl,
  "--jdbc-secret",
  "trends/jdbc",
  "--generated-dir",
  gen,
  "--runtime-dir",
  join(dir, "runtime"),
];

const submitted = () => emu.requests.filter((r) => r.target === "AddJobFlowSteps").length;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "trends-emr-cli-"));
  gen = join(dir, "generated");
  mkdirSync(join(gen, "steps"), { recursive: true });
  writeFileSync(join(gen, "steps", "window_job.json"), '{"version": 1}\n');
  mkdirSync(join(dir, "runtime", "trends_step"), { recursive: true });
  copyFileSync(FAKE_STEP, join(dir, "runtime", "window_step.py"));
  writeFileSync(join(dir, "runtime", "trends_step", "__init__.py"), "\n");
  const u = new URL(await freshDatabase("emrcli"));
  jdbcUrl = `jdbc:postgresql://${u.host}${u.pathname}`;
  const s3 = createS3(localAws());
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // Window 04:00 reads hours 03 and 04: 3 lines, 1 bad. Window 08:00 reads 07 and 08: a sleeper.
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: "raw/2026/11/26/04/obj-1",
      Body: '{"id":"1"}\nnot json\n{"id":"2"}\n',
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "raw/2026/11/26/08/_sleep", Body: "" }));
  emu = await startEmrEmulator({
    spark: sparkInstall(),
    s3,
    upstream: localAws().endpoint,
    clusters: [{ id: CLUSTER, stepConcurrencyLevel: 2, logUri: `s3://${BUCKET}/emr-logs/` }],
    applications: [{ id: APP, maxConcurrentRuns: 2 }],
    stepEnv: { TRENDS_JDBC_USER: u.username },
  });
});

afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("trends emr (child process against the emulator)", () => {
  it("rejects bad input with one line naming the fix, exit 2, and submits nothing", async () => {
    const cases: [string[], NodeJS.ProcessEnv, string][] = [
      [
        submitArgs("2026-11-26T04:00:00Z").map((a) => (a === CLUSTER ? "j-UNKNOWN0001" : a)),
        {},
        "trends: EMR rejected cluster j-UNKNOWN0001: Cluster id 'j-UNKNOWN0001' is not valid.",
      ],
      [
        submitArgs("2026-11-26T04:05:00Z"),
        {},
        "trends: --window 2026-11-26T04:05:00.000Z is not on a 15-minute boundary",
      ],
      [
        submitArgs("2026-11-26T04:00:00Z").filter((a) => a !== "--bucket" && a !== BUCKET),
        {},
        "trends: no S3 bucket given",
      ],
      [
        submitArgs("2026-11-26T04:00:00Z").map((a) => (a === BUCKET ? "no-such-bucket-here" : a)),
        {},
        "trends: S3 bucket no-such-bucket-here does not exist",
      ],
      [
        submitArgs("2026-11-26T04:00:00Z"),
        {
          AWS_ACCESS_KEY_ID: "",
          AWS_SECRET_ACCESS_KEY: "",
          AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
          AWS_CONFIG_FILE: join(dir, "none"),
        },
        "trends: no AWS credentials for EMR",
      ],
    ];
    const results = await Promise.all(cases.map(([args, env]) => trends(args, env)));
    results.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split("\n");
      expect(lines[0]!.startsWith(cases[i]![2]), r.stderr).toBe(true);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^ {2}fix: /);
    });
    expect(submitted()).toBe(0);
  });

  it("submits, follows, fetches the driver log and cancels", async () => {
    const [ok, sleeper] = await Promise.all([
      trends([...submitArgs("2026-11-26T04:00:00Z"), "--json"]),
      trends([...submitArgs("2026-11-26T08:00:00Z"), "--json"]),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(sleeper.code, sleeper.stderr).toBe(0);
    const okStep = (JSON.parse(ok.stdout) as { steps: { stepId: string; window: string }[] }).steps[0]!;
    const sleepStep = (JSON.parse(sleeper.stdout) as { steps: { stepId: string }[] }).steps[0]!;
    expect(okStep.window).toBe("2026-11-26T04:00:00.000Z");

    const step = emu.cluster(CLUSTER).steps.find((s) => s.id === okStep.stepId)!;
    for (let i = 0; i < 600 && step.state !== "COMPLETED" && step.state !== "FAILED"; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const status = await trends(["emr", "status", "--cluster", CLUSTER, "--step", okStep.stepId, "--json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)[0]).toMatchObject({
      id: okStep.stepId,
      state: "COMPLETED",
      name: "trends window 2026-11-26T04:00:00.000Z",
    });
    const byWindow = await trends([
      "emr",
      "status",
      "--cluster",
      CLUSTER,
      "--window",
      "2026-11-26T04:00:00Z",
    ]);
    expect(byWindow.stdout.trim().split("\n")).toHaveLength(1);
    expect(byWindow.stdout).toContain(`${okStep.stepId}`);

    const logs = await trends(["emr", "logs", "--cluster", CLUSTER, "--step", okStep.stepId]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain(`step logs:   s3://${BUCKET}/emr-logs/${CLUSTER}/steps/${okStep.stepId}/`);
    expect(logs.stdout).toMatch(
      /driver logs: s3:\/\/trends-cli-emr\/emr-logs\/j-CLITEST00001\/containers\/application_\d+_\d{4}\/container_\d+_\d{4}_01_000001\//,
    );
    expect(logs.stdout).toContain(
      'TRENDS_STEP_RESULT {"rows_read": 3, "bad_records": 1, "duplicates": 0, "events": 2}',
    );

    const cancel = await trends(["emr", "cancel", "--cluster", CLUSTER, "--step", sleepStep.stepId]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout.trim()).toBe(`${sleepStep.stepId}  CANCELLED`);

    const unknown = await trends(["emr", "status", "--cluster", CLUSTER, "--step", "s-NOSUCHSTEP1"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no EMR step s-NOSUCHSTEP1 on cluster j-CLITEST00001");
  });

  it("--dry-run prints the exact step JSON without contacting anything", async () => {
    const before = emu.requests.length;
    const r = await trends([...submitArgs("2026-11-26T04:15:00Z"), "--dry-run"], { AWS_REGION: "" });
    expect(r.code, r.stderr).toBe(0);
    const input = JSON.parse(r.stdout) as {
      JobFlowId: string;
      Steps: { HadoopJarStep: { Args: string[] } }[];
    };
    expect(input.JobFlowId).toBe(CLUSTER);
    const args = input.Steps[0]!.HadoopJarStep.Args;
    expect(args.slice(args.indexOf("--window-start"))).toEqual([
      "--window-start",
      "2026-11-26T04:15:00.000Z",
      "--window-end",
      "2026-11-26T04:30:00.000Z",
      "--input",
      `s3://${BUCKET}/raw/2026/11/26/03/`,
      "--input",
      `s3://${BUCKET}/raw/2026/11/26/04/`,
      "--jdbc-url",
      jdbcUrl,
      "--jdbc-secret",
      "trends/jdbc",
    ]);
    expect(emu.requests.length).toBe(before);
  });
});

describe("trends emr-serverless (child process against the emulator)", () => {
  const serverless = (cmd: string, ...args: string[]) => [
    "emr-serverless",
    cmd,
    "--application",
    APP,
    ...args,
  ];
  const submit = (window: string) => [
    ...serverless("submit", "--execution-role", ROLE),
    ...submitArgs(window).slice(4), // --bucket … --generated-dir DIR, without `emr submit --cluster ID`
  ];

  it("--dry-run prints the exact StartJobRun request, secrets-free, without contacting anything", async () => {
    const before = emu.requests.length;
    const r = await trends([...submit("2026-11-26T04:15:00Z"), "--dry-run"], {
      TRENDS_SERVERLESS_EXECUTORS: "3",
    });
    expect(r.code, r.stderr).toBe(0);
    const [input] = JSON.parse(r.stdout) as {
      applicationId: string;
      executionRoleArn: string;
      jobDriver: {
        sparkSubmit: { entryPoint: string; entryPointArguments: string[]; sparkSubmitParameters: string };
      };
      configurationOverrides: unknown;
    }[];
    expect(input!.applicationId).toBe(APP);
    expect(input!.executionRoleArn).toBe(ROLE);
    // The static runtime is the entry point; its package and the generated plan travel with it.
    const artifacts = `s3://${BUCKET}/artifacts/[0-9a-f]+`;
    expect(input!.jobDriver.sparkSubmit.entryPoint).toMatch(
      new RegExp(`^${artifacts}/runtime/window_step\\.py$`),
    );
    expect(input!.jobDriver.sparkSubmit.entryPointArguments.slice(0, 2)).toEqual([
      "--plan",
      expect.stringMatching(new RegExp(`^${artifacts}/steps/window_job\\.json$`)),
    ]);
    expect(input!.jobDriver.sparkSubmit.sparkSubmitParameters).toMatch(
      new RegExp(`--py-files ${artifacts}/runtime/trends_step\\.zip`),
    );
    expect(input!.jobDriver.sparkSubmit.entryPointArguments.slice(-2)).toEqual([
      "--jdbc-secret",
      "trends/jdbc",
    ]);
    expect(input!.jobDriver.sparkSubmit.sparkSubmitParameters).toContain("--conf spark.executor.instances=3");
    expect(input!.configurationOverrides).toEqual({
      monitoringConfiguration: { s3MonitoringConfiguration: { logUri: `s3://${BUCKET}/logs/serverless/` } },
    });
    expect(emu.requests.length).toBe(before);

    const missing = await trends(
      submit("2026-11-26T04:15:00Z").filter((a) => a !== "--execution-role" && a !== ROLE),
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("trends: no execution role for the EMR Serverless job runs");
  });

  it("submits, follows, fetches the driver log from S3 and cancels", async () => {
    const [ok, sleeper] = await Promise.all([
      trends([...submit("2026-11-26T04:00:00Z"), "--json"]),
      trends([...submit("2026-11-26T08:00:00Z"), "--json"]),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(sleeper.code, sleeper.stderr).toBe(0);
    const okRun = (JSON.parse(ok.stdout) as { jobRuns: { stepId: string }[] }).jobRuns[0]!;
    const sleepRun = (JSON.parse(sleeper.stdout) as { jobRuns: { stepId: string }[] }).jobRuns[0]!;
    // Wait on the emulator (cheap), then ask the CLI once.
    const run = emu
      .application(APP)
      .steps.find((x) => x.config.Name === "trends window 2026-11-26T04:00:00.000Z")!;
    for (let i = 0; i < 600 && run.state !== "COMPLETED" && run.state !== "FAILED"; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const st = await trends([...serverless("status", "--job-run", okRun.stepId), "--json"]);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout)[0]).toMatchObject({
      id: okRun.stepId,
      state: "COMPLETED",
      name: "trends window 2026-11-26T04:00:00.000Z",
    });
    const logs = await trends([...serverless("logs", "--job-run", okRun.stepId), "--bucket", BUCKET]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain(
      `driver logs: s3://${BUCKET}/logs/serverless/applications/${APP}/jobs/${okRun.stepId}/SPARK_DRIVER/`,
    );
    expect(logs.stdout).toContain(
      'TRENDS_STEP_RESULT {"rows_read": 3, "bad_records": 1, "duplicates": 0, "events": 2}',
    );

    const cancel = await trends(serverless("cancel", "--job-run", sleepRun.stepId));
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout.trim()).toBe(`${sleepRun.stepId}  CANCELLED`);

    const unknown = await trends(serverless("status", "--job-run", "00fnosuchrun0000"));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no EMR Serverless job run 00fnosuchrun0000 on application ${APP}`);
  });
});
