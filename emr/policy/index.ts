import { usageError } from "../../runtime/errors/index.ts";

export const POLICY_ROLES = ["ingestor", "scheduler", "emr-job"] as const;
export type PolicyRole = (typeof POLICY_ROLES)[number];

export interface PolicyInputs {
  bucket?: string | undefined;
  /** Firehose delivery stream name (ingestor). */
  stream?: string | undefined;
  /** `arn:aws:elasticmapreduce:REGION:ACCOUNT:cluster/j-…` (scheduler). */
  clusterArn?: string | undefined;
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
 *   five EMR step actions on the one cluster.
 * - `emr-job` (the cluster's EC2 instance profile): reads `raw/` and `artifacts/`, and reads the
 *   JDBC secret.
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
      const cluster = need(
        i.clusterArn,
        "--cluster-arn",
        role,
        "arn:aws:elasticmapreduce:eu-west-1:123456789012:cluster/j-…",
      );
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
        {
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
        },
      ]);
    }
    case "emr-job": {
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
  if (
    i.secretArn &&
    !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/.test(i.secretArn)
  ) {
    throw usageError(
      `--secret-arn ${JSON.stringify(i.secretArn)} is not a Secrets Manager ARN`,
      "copy it from `aws secretsmanager describe-secret`",
    );
  }
  if (i.account && !/^\d{12}$/.test(i.account))
    throw usageError(`--account ${i.account} is not a 12-digit AWS account id`);
  if (i.bucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(i.bucket))
    throw usageError(`--bucket ${i.bucket} is not an S3 bucket name`);
  if (i.stream && !/^[a-zA-Z0-9_.-]{1,64}$/.test(i.stream))
    throw usageError(`--stream ${i.stream} is not a Firehose stream name`);
}
