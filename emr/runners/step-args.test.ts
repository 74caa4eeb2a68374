import { describe, expect, it } from "vitest";
import { isTrendsError } from "../../runtime/errors/index.ts";
import { EMR_LIMITS, emrStepConfig } from "./emr.ts";
import { backoffDelay } from "./poll.ts";
import { failureReason, jdbcFromDatabaseUrl, parseStepResult, runIdOf, stepArgs } from "./step-args.ts";

const window = { start: new Date("2026-11-26T04:15:00Z"), end: new Date("2026-11-26T04:30:00Z") };
const req = {
  window,
  inputs: ["s3://b/raw/2026/11/26/03/", "s3://b/raw/2026/11/26/04/"],
  jdbcUrl: "jdbc:postgresql://db:5432/trends",
};
const artifacts = {
  stepScript: "s3://b/artifacts/h/steps/window_job.py",
  jdbcJar: "s3://b/artifacts/h/jars/pg.jar",
};

describe("stepArgs", () => {
  it("follows the step contract", () => {
    expect(stepArgs({ ...req, runId: 42 }, { jdbcSecret: "trends/jdbc" })).toEqual([
      "--window-start",
      "2026-11-26T04:15:00.000Z",
      "--window-end",
      "2026-11-26T04:30:00.000Z",
      "--input",
      "s3://b/raw/2026/11/26/03/",
      "--input",
      "s3://b/raw/2026/11/26/04/",
      "--jdbc-url",
      "jdbc:postgresql://db:5432/trends",
      "--jdbc-secret",
      "trends/jdbc",
      "--run-id",
      "42",
    ]);
  });

  it.each([
    ["jdbc:postgresql://db:5432/trends?password=pw", "credentials"],
    ["jdbc:postgresql://u:pw@db:5432/trends", "credentials"],
    ["postgres://db/trends", "is not jdbc:postgresql"],
    ["jdbc:postgresql://db:5432/trends?sslmode=require&sslpassword=pw", "credentials"],
    ["jdbc:postgresql://db:5432/trends?sslkey=/home/pw/k.pem", "credentials"],
    ["jdbc:postgresql://db/?password=pw", "is not jdbc:postgresql"],
  ])("refuses the JDBC URL %s", (jdbcUrl, msg) => {
    const err = (() => {
      try {
        stepArgs({ ...req, jdbcUrl });
      } catch (e) {
        return e;
      }
    })();
    expect(isTrendsError(err) && err.exitCode).toBe(2);
    expect((err as Error).message).toContain(msg);
    expect((err as Error).message).not.toContain("pw");
  });

  it("passes the plan first and a range as --windows, --window-inputs and one --run-id per window", () => {
    const range = { count: 2, windowInputs: [[0], [0, 1]], runIds: [7, 8] };
    const args = stepArgs({ ...req, runId: 99, range }, { plan: "s3://b/artifacts/h/steps/window_job.json" });
    expect(args.slice(0, 2)).toEqual(["--plan", "s3://b/artifacts/h/steps/window_job.json"]);
    expect(args.slice(-10)).toEqual([
      "--windows",
      "2",
      "--window-inputs",
      "0",
      "--window-inputs",
      "0,1",
      "--run-id",
      "7",
      "--run-id",
      "8",
    ]);
    expect(runIdOf(args)).toBe(7);
    expect(() => stepArgs({ ...req, range: { ...range, runIds: [7] } })).toThrow(/one run id per window/);
    expect(() => stepArgs({ ...req, range: { ...range, windowInputs: [[0], [2]] } })).toThrow(/input index/);
  });

  it("refuses an input that is not a path or a known URI", () => {
    expect(() => stepArgs({ ...req, inputs: ["http://x/raw/"] })).toThrow(/not a path or an s3/);
  });
});

describe("jdbcFromDatabaseUrl", () => {
  it("moves credentials out of the URL and keeps sslmode", () => {
    expect(
      jdbcFromDatabaseUrl("postgres://app:p%40ss@db.example.com:5432/trends?sslmode=verify-full"),
    ).toEqual({
      jdbcUrl: "jdbc:postgresql://db.example.com:5432/trends?sslmode=verify-full",
      user: "app",
      password: "p@ss",
    });
  });
});

describe("step output", () => {
  it("parses the TRENDS_STEP_RESULT line among log lines", () => {
    const out =
      'INFO x\nTRENDS_STEP_RESULT {"rows_read":10,"bad_records":2,"duplicates":1,"events":7}\nINFO y\n';
    expect(parseStepResult(out)).toEqual({ rows_read: 10, bad_records: 2, duplicates: 1, events: 7 });
    expect(parseStepResult("nothing")).toBeUndefined();
  });

  it("finds the run id in step arguments", () => {
    expect(runIdOf(["--jdbc-url", "x", "--run-id", "7"])).toBe(7);
    expect(runIdOf(["--jdbc-url", "x"])).toBeUndefined();
  });

  it("explains a failure with the last exception line", () => {
    const out = "Traceback (most recent call last):\n  File x\nValueError: bad window\n26/11/26 INFO done\n";
    expect(failureReason(out, 1, null)).toBe("ValueError: bad window (exit code 1)");
    expect(failureReason("", null, "SIGKILL")).toBe("spark-submit ended with killed by SIGKILL");
  });
});

describe("emrStepConfig", () => {
  it("is command-runner spark-submit in cluster mode, CONTINUE on failure", () => {
    const c = emrStepConfig(req, { artifacts, jdbcSecret: "trends/jdbc" });
    expect(c.Name).toBe("trends window 2026-11-26T04:15:00.000Z");
    expect(c.ActionOnFailure).toBe("CONTINUE");
    expect(c.HadoopJarStep?.Jar).toBe("command-runner.jar");
    expect(c.HadoopJarStep?.Args?.slice(0, 10)).toEqual([
      "spark-submit",
      "--deploy-mode",
      "cluster",
      "--jars",
      "s3://b/artifacts/h/jars/pg.jar",
      "--conf",
      "spark.yarn.maxAppAttempts=1",
      // the step's static settings, as the local runner passes them
      "--conf",
      "spark.sql.codegen.cache.maxEntries=4000",
      "s3://b/artifacts/h/steps/window_job.py",
    ]);
  });

  it("fails clearly beyond EMR's 10,240 characters of arguments", () => {
    const inputs = Array.from(
      { length: 300 },
      (_, i) => `s3://bucket/raw/2026/11/26/${String(i).padStart(2, "0")}/`,
    );
    expect(() => emrStepConfig({ ...req, inputs }, { artifacts })).toThrow(
      /has \d+ characters of arguments; EMR allows 10240/,
    );
    expect(EMR_LIMITS.argumentChars).toBe(10_240);
  });
});

describe("backoffDelay", () => {
  it("grows by 1.5x to the cap, with half of it jittered", () => {
    const o = { initialMs: 1000, maxMs: 4000 };
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, o, () => 1))).toEqual([1000, 1500, 2250, 3375, 4000]);
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, o, () => 0))).toEqual([500, 750, 1125, 1688, 2000]);
  });
});
