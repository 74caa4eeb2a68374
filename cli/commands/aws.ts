import type { CommandModule } from "yargs";
import { checkPolicyInputs, iamPolicy, POLICY_ROLES, type PolicyRole } from "../../emr/index.ts";
import { settingsFrom } from "../context.ts";

interface PolicyArgs {
  role: PolicyRole | "all";
  bucket?: string;
  stream?: string;
  "cluster-arn"?: string;
  "secret-arn"?: string;
  "application-arn"?: string;
  "execution-role-arn"?: string;
  account?: string;
}

/** The key prefix of the configured serverless log URI when it is in the bucket. */
const logPrefixOf = (uri: string | undefined, bucket: string | undefined): string | undefined => {
  const m = uri ? /^s3:\/\/([^/]+)\/(.*)$/.exec(uri) : null;
  return m && m[1] === bucket ? m[2] : undefined;
};

const policy: CommandModule<object, PolicyArgs> = {
  command: "policy",
  describe:
    "print least-privilege IAM policy JSON for the ingestor, the scheduler and the EMR / EMR Serverless job roles",
  builder: (y) =>
    y
      .option("role", {
        choices: [...POLICY_ROLES, "all"] as const,
        default: "all" as const,
        describe: "which role",
      })
      .option("bucket", { type: "string", describe: "S3 bucket (default: bucket / TRENDS_BUCKET)" })
      .option("stream", { type: "string", describe: "Firehose stream (default: firehoseStream)" })
      .option("cluster-arn", {
        type: "string",
        describe: "arn:aws:elasticmapreduce:REGION:ACCOUNT:cluster/j-…",
      })
      .option("secret-arn", {
        type: "string",
        describe: "ARN of the JDBC credentials secret (emr-job, serverless-job)",
      })
      .option("application-arn", {
        type: "string",
        describe: "arn:aws:emr-serverless:REGION:ACCOUNT:/applications/ID (scheduler on EMR Serverless)",
      })
      .option("execution-role-arn", {
        type: "string",
        describe: "the job runs' role the scheduler passes to EMR Serverless",
      })
      .option("account", { type: "string", describe: "12-digit AWS account id (ingestor's stream ARN)" })
      .example(
        "$0 aws policy --role ingestor --stream trends --account 123456789012 --aws-region eu-west-1",
        "",
      ),
  handler: (argv) => {
    const s = settingsFrom(argv);
    const inputs = {
      bucket: argv.bucket ?? s.bucket,
      stream: argv.stream ?? s.firehoseStream,
      clusterArn: argv["cluster-arn"],
      secretArn: argv["secret-arn"],
      applicationArn: argv["application-arn"],
      executionRoleArn: argv["execution-role-arn"],
      logPrefix: logPrefixOf(s.serverlessLogUri, argv.bucket ?? s.bucket),
      account: argv.account,
      region: s.awsRegion ?? process.env.AWS_REGION,
      rawPrefix: s.rawPrefix,
    };
    checkPolicyInputs(inputs);
    const roles = argv.role === "all" ? POLICY_ROLES : [argv.role];
    const docs = Object.fromEntries(roles.map((r) => [r, iamPolicy(r, inputs)]));
    const value = argv.role === "all" ? docs : docs[argv.role];
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  },
};

export const aws: CommandModule<object, object> = {
  command: "aws <command>",
  describe: "AWS helpers: least-privilege IAM policies",
  builder: (y) => y.command([policy] as CommandModule<object, object>[]).demandCommand(1),
  handler: () => {},
};
