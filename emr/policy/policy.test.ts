import { describe, expect, it } from "vitest";
import { checkPolicyInputs, iamPolicy } from "./index.ts";

const inputs = {
  bucket: "my-trends",
  stream: "trends-events",
  clusterArn: "arn:aws:elasticmapreduce:eu-west-1:123456789012:cluster/j-2AXXXXXXGAPLF",
  secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:trends/jdbc-AbCdEf",
  region: "eu-west-1",
  account: "123456789012",
};

describe("iamPolicy", () => {
  it("ingestor: only Firehose puts on the one stream", () => {
    expect(iamPolicy("ingestor", inputs)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "PutEvents",
          Effect: "Allow",
          Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
          Resource: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/trends-events",
        },
      ],
    });
  });

  it("scheduler: raw/ read, artifacts/ write, the five step actions on the one cluster", () => {
    const p = iamPolicy("scheduler", inputs);
    expect(p.Statement.flatMap((s) => s.Action).sort()).toEqual([
      "elasticmapreduce:AddJobFlowSteps",
      "elasticmapreduce:CancelSteps",
      "elasticmapreduce:DescribeCluster",
      "elasticmapreduce:DescribeStep",
      "elasticmapreduce:ListSteps",
      "s3:GetObject",
      "s3:GetObject",
      "s3:ListBucket",
      "s3:PutObject",
    ]);
    expect(p.Statement.map((s) => s.Resource)).toEqual([
      "arn:aws:s3:::my-trends",
      "arn:aws:s3:::my-trends/raw/*",
      "arn:aws:s3:::my-trends/artifacts/*",
      inputs.clusterArn,
    ]);
    expect(p.Statement[0]!.Condition).toEqual({
      StringLike: { "s3:prefix": ["raw/", "raw/*", "artifacts/", "artifacts/*"] },
    });
  });

  it("emr-job: reads raw/ and artifacts/, and the JDBC secret", () => {
    const p = iamPolicy("emr-job", { ...inputs, rawPrefix: "events" });
    expect(p.Statement[1]).toEqual({
      Sid: "ReadInputsAndCode",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: ["arn:aws:s3:::my-trends/events/*", "arn:aws:s3:::my-trends/artifacts/*"],
    });
    expect(p.Statement[2]).toEqual({
      Sid: "ReadJdbcSecret",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: inputs.secretArn,
    });
    expect(JSON.stringify(p)).not.toMatch(/"\*"|s3:\*|PutObject/);
  });

  it("scheduler on EMR Serverless: job run actions on the one application, passing only the job role", () => {
    const app = "arn:aws:emr-serverless:eu-west-1:123456789012:/applications/00fabcdexample09";
    const jobRole = "arn:aws:iam::123456789012:role/trends-serverless-job";
    const p = iamPolicy("scheduler", { bucket: "my-trends", applicationArn: app, executionRoleArn: jobRole });
    expect(p.Statement.map((s) => s.Sid)).toEqual([
      "ListOwnPrefixes",
      "ReadRaw",
      "WriteArtifacts",
      "RunJobRuns",
      "PassJobRole",
    ]);
    expect(p.Statement[3]).toEqual({
      Sid: "RunJobRuns",
      Effect: "Allow",
      Action: [
        "emr-serverless:CancelJobRun",
        "emr-serverless:GetApplication",
        "emr-serverless:GetJobRun",
        "emr-serverless:ListJobRuns",
        "emr-serverless:StartJobRun",
      ],
      Resource: [app, `${app}/jobruns/*`],
    });
    expect(p.Statement[4]).toEqual({
      Sid: "PassJobRole",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: jobRole,
      Condition: { StringLike: { "iam:PassedToService": ["emr-serverless.amazonaws.com"] } },
    });
    expect(JSON.stringify(p)).not.toMatch(/"\*"|elasticmapreduce|emr-serverless:\*/);
    expect(() => iamPolicy("scheduler", { bucket: "b", applicationArn: app })).toThrow(
      "the scheduler policy needs --execution-role-arn",
    );
  });

  it("serverless-job: reads raw/ and artifacts/, writes only its log prefix, reads the secret", () => {
    const p = iamPolicy("serverless-job", inputs);
    expect(p.Statement.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["ListOwnPrefixes", ["s3:ListBucket"], "arn:aws:s3:::my-trends"],
      [
        "ReadInputsAndCode",
        ["s3:GetObject"],
        ["arn:aws:s3:::my-trends/raw/*", "arn:aws:s3:::my-trends/artifacts/*"],
      ],
      ["WriteJobLogs", ["s3:PutObject"], "arn:aws:s3:::my-trends/logs/serverless/*"],
      ["ReadJdbcSecret", ["secretsmanager:GetSecretValue"], inputs.secretArn],
    ]);
    expect(iamPolicy("serverless-job", { ...inputs, logPrefix: "jobs/logs" }).Statement[2]!.Resource).toBe(
      "arn:aws:s3:::my-trends/jobs/logs/*",
    );
  });

  it("names the missing flag", () => {
    expect(() => iamPolicy("scheduler", { bucket: "b" })).toThrow("the scheduler policy needs --cluster-arn");
    expect(() => iamPolicy("ingestor", { stream: "s", region: "eu-west-1" })).toThrow("needs --account");
    expect(() => checkPolicyInputs({ clusterArn: "j-123" })).toThrow("is not an EMR cluster ARN");
    expect(() => checkPolicyInputs({ applicationArn: "00fabcdexample09" })).toThrow(
      "is not an EMR Serverless application ARN",
    );
  });

  it("refuses a partial secret ARN (without the -xxxxxx suffix), which IAM would match to no secret", () => {
    const full = inputs.secretArn;
    expect(() => checkPolicyInputs({ secretArn: full })).not.toThrow();
    for (const partial of [
      full.replace(/-AbCdEf$/, ""),
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:",
    ])
      expect(() => checkPolicyInputs({ secretArn: partial })).toThrow(
        expect.objectContaining({
          exitCode: 2,
          message: expect.stringContaining("is not a full Secrets Manager ARN"),
        }),
      );
  });
});
