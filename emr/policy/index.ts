import { usageError } from "../../runtime/errors/index.ts";

export const POLICY_ROLES = ["ingestor", "scheduler", "emr-job", "serverless-job"] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];

export interface PolicyInputs {
  bucket?: string | undefined;
  /** Firehose delivery stream name (ingestor). */
  stream?: string | undefined;
  /** `arn:aws:elasticmapreduce:REGION:ACCOUNT:cluster/j-…` (scheduler). */
  clusterArn?: string | undefined;
  /** `arn:aws:emr-serverless:REGION:ACCOUNT:/applications/ID` (scheduler on EMR Serverless). */
  applicationArn?: string | undefined;
  /** The job runs' IAM role, which the scheduler passes to EMR Serverless. */
  executionRoleArn?: string | undefined;
  /** Where the job runs write their logs (S3 monitoring logUri), under the bucket; default `logs/serverless/`. */
  logPrefix?: string | undefined;
  /** `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-xxxxxx` of the JDBC credentials (emr-job). */
  secretArn?: string | undefined;
  region?: string | undefined;
  account?: string | undefined;
  rawPrefix?: string | undefined;
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

const need = (value: string | undefined, flag: string, role: PolicyRole, example: string): string => {
  if (!value) throw usageError(`the ${role} policy needs ${flag}`, `pass ${flag} ${example}`);
  return value;
};

const prefixOf = (p: string | undefined): string => {
  const v = (p ?? "raw/").replace(/^\/+/, "");
  return v.endsWith("/") ? v : `${v}/`;
};

/** Listing limited to the prefixes a role reads: ListBucket is a bucket-level action. */
const listPrefixes = (bucket: string, prefixes: string[]): PolicyStatement => ({
  Sid: "ListOwnPrefixes",
  Effect: "Allow",
  Action: ["s3:ListBucket"],
  Resource: `arn:aws:s3:::${bucket}`,
  Condition: { StringLike: { "s3:prefix": prefixes.flatMap((p) => [p, `${p}*`]) } },
});

/**
 * Least-privilege IAM policy for one role of the pipeline:
 * - `ingestor`: PutRecord/PutRecordBatch on the one Firehose stream, nothing else (Firehose's own
 *   delivery role writes S3).
 * - `scheduler`: reads and lists `raw/` (input fingerprints), writes and reads `artifacts/`, and the
 *   five EMR step actions on the one cluster (and/or the EMR Serverless actions, below).
 * - `emr-job` (the cluster's EC2 instance profile): reads `raw/` and `artifacts/`, and reads the
 *   JDBC secret.
 * - `serverless-job` (the EMR Serverless job runs' execution role): the same, and writes its logs
 *   under `logs/serverless/`. The scheduler, given `--application-arn`, may start, get, list and
 *   cancel job runs of that one application and pass that one role to EMR Serverless.
 */
export function iamPolicy(role: PolicyRole, i: PolicyInputs): PolicyDocument {
  const raw = prefixOf(i.rawPrefix);
  switch (role) {
    case "ingestor": {
      const stream = need(i.stream, "--stream", role, "trends-events");
      const region = need(i.region, "--aws-region", role, "eu-west-1");
      const account = need(i.account, "--account", role, "123456789012");
      return doc([
        {
          Sid: "PutEvents",
          Effect: "Allow",
          Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
          Resource: `arn:aws:firehose:${region}:${account}:deliverystream/${stream}`,
        },
      ]);
    }
    case "scheduler": {
      const bucket = need(i.bucket, "--bucket", role, "my-trends-bucket");
      if (!i.clusterArn && !i.applicationArn) {
        throw usageError(
          "the scheduler policy needs --cluster-arn (EMR) or --application-arn (EMR Serverless)",
          "pass --cluster-arn arn:aws:elasticmapreduce:eu-west-1:123456789012:cluster/j-… or --application-arn arn:aws:emr-serverless:eu-west-1:123456789012:/applications/ID --execution-role-arn ARN",
        );
      }
      return doc([
        listPrefixes(bucket, [raw, "artifacts/"]),
        {
          Sid: "ReadRaw",
          Effect: "Allow",
          Action: ["s3:GetObject"],
          Resource: `arn:aws:s3:::${bucket}/${raw}*`,
        },
        {
          Sid: "WriteArtifacts",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: `arn:aws:s3:::${bucket}/artifacts/*`,
        },
        ...(i.clusterArn ? [emrSteps(i.clusterArn)] : []),
        ...(i.applicationArn ? serverlessRuns(i.applicationArn, i.executionRoleArn, role) : []),
      ]);
    }
    case "emr-job":
    case "serverless-job": {
      const bucket = need(i.bucket, "--bucket", role, "my-trends-bucket");
      const secret = need(
        i.secretArn,
        "--secret-arn",
        role,
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:trends/jdbc-AbCdEf",
      );
      return doc([
        listPrefixes(bucket, [raw, "artifacts/"]),
        {
          Sid: "ReadInputsAndCode",
          Effect: "Allow",
          Action: ["s3:GetObject"],
          Resource: [`arn:aws:s3:::${bucket}/${raw}*`, `arn:aws:s3:::${bucket}/artifacts/*`],
        },
        // On EMR the cluster pushes logs with its own service role; on EMR Serverless the job's
        // role writes them to the S3 monitoring logUri.
        ...(role === "serverless-job"
          ? [
              {
                Sid: "WriteJobLogs",
                Effect: "Allow" as const,
                Action: ["s3:PutObject"],
                Resource: `arn:aws:s3:::${bucket}/${prefixOf(i.logPrefix ?? "logs/serverless/")}*`,
              },
            ]
          : []),
        {
          Sid: "ReadJdbcSecret",
          Effect: "Allow",
          Action: ["secretsmanager:GetSecretValue"],
          Resource: secret,
        },
      ]);
    }
  }
}

const emrSteps = (cluster: string): PolicyStatement => ({
  Sid: "RunSteps",
  Effect: "Allow",
  Action: [
    "elasticmapreduce:AddJobFlowSteps",
    "elasticmapreduce:CancelSteps",
    "elasticmapreduce:DescribeCluster",
    "elasticmapreduce:DescribeStep",
    "elasticmapreduce:ListSteps",
  ],
  Resource: cluster,
});

/** The five job run actions on the one application and its job runs, and passing the job's role. */
const serverlessRuns = (app: string, jobRole: string | undefined, role: PolicyRole): PolicyStatement[] => [
  {
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
  },
  {
    Sid: "PassJobRole",
    Effect: "Allow",
    Action: ["iam:PassRole"],
    Resource: need(
      jobRole,
      "--execution-role-arn",
      role,
      "arn:aws:iam::123456789012:role/trends-serverless-job",
    ),
    Condition: { StringLike: { "iam:PassedToService": ["emr-serverless.amazonaws.com"] } },
  },
];

const doc = (Statement: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });

/** Checks the ARNs given on the command line, so a typo fails here and not in IAM. */
export function checkPolicyInputs(i: PolicyInputs): void {
  if (
    i.clusterArn &&
    !/^arn:aws[a-z-]*:elasticmapreduce:[a-z0-9-]+:\d{12}:cluster\/j-[A-Z0-9]+$/.test(i.clusterArn)
  ) {
    throw usageError(
      `--cluster-arn ${JSON.stringify(i.clusterArn)} is not an EMR cluster ARN`,
      "write it like arn:aws:elasticmapreduce:eu-west-1:123456789012:cluster/j-2AXXXXXXGAPLF",
    );
  }
  // A policy must name the full ARN, with the six characters Secrets Manager appends to the name:
  // a partial ARN (without them) matches no secret in IAM, so the job would be denied.
  // https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html
  if (
    i.secretArn &&
    !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]{1,512}-[A-Za-z0-9]{6}$/.test(
      i.secretArn,
    )
  ) {
    throw usageError(
      `--secret-arn ${JSON.stringify(i.secretArn)} is not a full Secrets Manager ARN (NAME-xxxxxx)`,
      "copy the ARN from `aws secretsmanager describe-secret --secret-id NAME`",
    );
  }
  if (
    i.applicationArn &&
    !/^arn:aws[a-z-]*:emr-serverless:[a-z0-9-]+:\d{12}:\/applications\/[0-9a-z]+$/.test(i.applicationArn)
  ) {
    throw usageError(
      `--application-arn ${JSON.stringify(i.applicationArn)} is not an EMR Serverless application ARN`,
      "write it like arn:aws:emr-serverless:eu-west-1:123456789012:/applications/00fabcdexample09",
    );
  }
  if (i.executionRoleArn && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(i.executionRoleArn)) {
    throw usageError(
      `--execution-role-arn ${JSON.stringify(i.executionRoleArn)} is not an IAM role ARN`,
      "write it like arn:aws:iam::123456789012:role/trends-serverless-job",
    );
  }
  if (i.account && !/^\d{12}$/.test(i.account))
    throw usageError(`--account ${i.account} is not a 12-digit AWS account id`);
  if (i.bucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(i.bucket))
    throw usageError(`--bucket ${i.bucket} is not an S3 bucket name`);
  if (i.stream && !/^[a-zA-Z0-9_.-]{1,64}$/.test(i.stream))
    throw usageError(`--stream ${i.stream} is not a Firehose stream name`);
}
