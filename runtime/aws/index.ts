import { EMRClient } from "@aws-sdk/client-emr";
import { EMRServerlessClient } from "@aws-sdk/client-emr-serverless";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { S3Client } from "@aws-sdk/client-s3";
import type { Settings } from "../config/index.ts";
import { usageError } from "../errors/index.ts";

export interface AwsClientOptions {
  region?: string | undefined;
  /** An AWS-compatible endpoint such as moto's server or the test EMR emulator. */
  endpoint?: string | undefined;
  forcePathStyle?: boolean | undefined;
  /** Explicit credentials (tests); otherwise the SDK's default chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  maxAttempts?: number;
}

export const awsOptionsFrom = (s: Settings): AwsClientOptions => ({
  region: s.awsRegion,
  endpoint: s.awsEndpoint,
  forcePathStyle: s.awsForcePathStyle || s.awsEndpoint !== undefined,
});

/**
 * The only place AWS SDK clients are built, so the same code talks to AWS or a local endpoint.
 * The SDK's own retry (adaptive, with jitter) handles throttling of control-plane calls; the
 * Firehose sink adds its own per-record retry on top because partial failures return 200.
 */
function common(o: AwsClientOptions) {
  const region = o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw usageError("no AWS region configured", "set AWS_REGION (or awsRegion in trends.config.json)");
  }
  return {
    region,
    maxAttempts: o.maxAttempts ?? 5,
    retryMode: "adaptive",
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
  };
}

export const createS3 = (o: AwsClientOptions): S3Client =>
  new S3Client({
    ...common(o),
    forcePathStyle: o.forcePathStyle ?? false,
    // Local endpoints (moto) do not all accept the newer default checksums.
    ...(o.endpoint
      ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }
      : {}),
  });

export const createFirehose = (o: AwsClientOptions): FirehoseClient => new FirehoseClient(common(o));

export const createEmr = (o: AwsClientOptions): EMRClient => new EMRClient(common(o));

export const createEmrServerless = (o: AwsClientOptions): EMRServerlessClient =>
  new EMRServerlessClient(common(o));
