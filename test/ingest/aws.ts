import { randomBytes } from "node:crypto";
import { CreateDeliveryStreamCommand } from "@aws-sdk/client-firehose";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createFirehose, createS3 } from "../../runtime/aws/index.ts";
import { localAws } from "../support/services.ts";

/** A fresh bucket and a DirectPut delivery stream into it under `raw/`, in moto. */
export async function freshStream(): Promise<{ bucket: string; stream: string; s3: S3Client }> {
  const suffix = randomBytes(4).toString("hex");
  const bucket = `trends-raw-${suffix}`;
  const stream = `trends-${suffix}`;
  const s3 = createS3(localAws());
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const firehose = createFirehose(localAws());
  await firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: stream,
      DeliveryStreamType: "DirectPut",
      ExtendedS3DestinationConfiguration: {
        BucketARN: `arn:aws:s3:::${bucket}`,
        RoleARN: "arn:aws:iam::123456789012:role/trends-firehose",
        Prefix: "raw/",
        BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
      },
    }),
  );
  firehose.destroy();
  return { bucket, stream, s3 };
}

/** Every object in the bucket with its key. */
export async function readBucket(s3: S3Client, bucket: string): Promise<{ key: string; body: Buffer }[]> {
  const out: { key: string; body: Buffer }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      out.push({ key: o.Key!, body: Buffer.from(await r.Body!.transformToByteArray()) });
    }
    token = page.NextContinuationToken;
  } while (token);
  return out;
}
