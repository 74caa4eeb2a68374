import type { Argv, CommandModule } from "yargs";
import {
  dryRunJobRuns,
  EmrServerlessStepRunner,
  findJobRunLogs,
  type StepStatus,
  serverlessSizing,
  serverlessTarget,
  stepName,
  submitJobRuns,
} from "../../emr/index.ts";
import { awsOptionsFrom, createEmrServerless, createS3 } from "../../runtime/aws/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import { parseTime, windowAt } from "../../runtime/windows/index.ts";
import { settingsFrom } from "../context.ts";
import { line, out, outJson, type SubmitArgs, submitInputs, submitOptions, windowsLine } from "./emr.ts";

interface ServerlessArgs {
  application?: string;
  "execution-role"?: string;
  "log-uri"?: string;
  bucket?: string;
  json?: boolean;
}

const withApplication = <T>(y: Argv<T>) =>
  y
    .option("application", {
      type: "string",
      describe: "EMR Serverless application id (default: TRENDS_SERVERLESS_APPLICATION)",
    })
    .option("log-uri", {
      type: "string",
      describe:
        "s3:// prefix of the job runs' logs (default: TRENDS_SERVERLESS_LOG_URI, else s3://BUCKET/logs/serverless/)",
    })
    .option("json", { type: "boolean", default: false, describe: "print JSON on stdout" });

const flagsOf = (argv: ServerlessArgs) => ({
  application: argv.application,
  executionRole: argv["execution-role"],
  logUri: argv["log-uri"],
  bucket: argv.bucket,
});

const submit: CommandModule<object, SubmitArgs & ServerlessArgs> = {
  command: "submit",
  describe: "upload the generated steps and start one EMR Serverless job run per window",
  builder: (y) =>
    submitOptions(withApplication(y), "StartJobRun")
      .option("execution-role", {
        type: "string",
        describe: "IAM role ARN of the job (default: TRENDS_SERVERLESS_EXECUTION_ROLE)",
      })
      .example(
        "$0 emr-serverless submit --application 00fabcdexample09 --execution-role arn:aws:iam::123456789012:role/trends-job --bucket my-trends --window 2026-11-26T04:15:00Z --dry-run",
        "print the StartJobRun request of one window",
      ),
  handler: async (argv) => {
    const s = settingsFrom(argv);
    const inputs = submitInputs(argv, s, "EMR Serverless");
    const target = serverlessTarget(s, { ...flagsOf(argv), bucket: inputs.bucket });
    const plan = {
      ...inputs,
      applicationId: target.applicationId,
      executionRoleArn: target.executionRoleArn!,
      logUri: target.logUri!,
      sizing: serverlessSizing(s),
    };
    if (argv["dry-run"]) {
      outJson(dryRunJobRuns(plan));
      return;
    }
    const aws = awsOptionsFrom(s);
    const r = await submitJobRuns(plan, { serverless: createEmrServerless(aws), s3: createS3(aws) });
    if (argv.json) outJson(r);
    else {
      out(`artifacts ${r.artifacts}`);
      for (const j of r.jobRuns) out(`${windowsLine(j)}  ${j.stepId}  submitted`);
    }
  },
};

const runnerFor = (argv: ServerlessArgs & Record<string, unknown>) => {
  const s = settingsFrom(argv);
  const target = serverlessTarget(s, flagsOf(argv), false);
  const aws = awsOptionsFrom(s);
  const runner = new EmrServerlessStepRunner({
    client: createEmrServerless(aws),
    ...target,
    // status/cancel/logs start nothing, so they need no artifacts.
    artifacts: { stepScript: "", jdbcJar: "" },
  });
  return { s, aws, target, runner };
};

const status: CommandModule<object, ServerlessArgs & { "job-run"?: string; window?: string }> = {
  command: "status",
  describe: "show job runs: one (--job-run), a window's (--window) or the application's recent ones",
  builder: (y) =>
    withApplication(y)
      .option("job-run", { type: "string", describe: "job run id" })
      .option("window", { type: "string", describe: "window start (ISO): its job runs, newest first" })
      .conflicts("job-run", "window"),
  handler: async (argv) => {
    const { s, runner } = runnerFor(argv);
    let runs: StepStatus[];
    if (argv["job-run"]) runs = [await runner.status(argv["job-run"])];
    else {
      runs = await runner.list();
      if (argv.window) {
        const w = windowAt(parseTime(argv.window, "--window"), s.windowMinutes);
        runs = runs.filter((r) => r.name === stepName({ window: w }));
      }
    }
    if (argv.json) outJson(runs);
    else if (runs.length === 0) out("no job runs");
    else for (const r of runs) out(line(r));
  },
};

const cancel: CommandModule<object, ServerlessArgs & { "job-run": string }> = {
  command: "cancel",
  describe: "cancel a pending or running job run",
  builder: (y) =>
    withApplication(y).option("job-run", { type: "string", demandOption: true, describe: "job run id" }),
  handler: async (argv) => {
    const { runner } = runnerFor(argv);
    await runner.cancel(argv["job-run"]);
    const st = await runner.status(argv["job-run"]);
    if (argv.json) outJson(st);
    else out(`${st.id}  ${st.state}${st.state === "CANCELLED" ? "" : "  (cancel requested)"}`);
  },
};

const logs: CommandModule<object, ServerlessArgs & { "job-run": string; fetch: boolean }> = {
  command: "logs",
  describe: "print a job run's driver logs from the S3 monitoring logUri",
  builder: (y) =>
    withApplication(y)
      .option("job-run", { type: "string", demandOption: true, describe: "job run id" })
      .option("bucket", { type: "string", describe: "bucket of the default log URI (TRENDS_BUCKET)" })
      .option("fetch", {
        type: "boolean",
        default: true,
        describe: "fetch the logs (--no-fetch: only say where)",
      }),
  handler: async (argv) => {
    const { aws, target } = runnerFor(argv);
    if (!target.logUri) {
      throw usageError(
        "no log URI for the job runs",
        "pass --log-uri s3://BUCKET/logs/serverless/ (or --bucket, or set TRENDS_SERVERLESS_LOG_URI)",
      );
    }
    const r = await findJobRunLogs({
      serverless: createEmrServerless(aws),
      s3: createS3(aws),
      applicationId: target.applicationId,
      jobRunId: argv["job-run"],
      logUri: target.logUri,
      fetch: argv.fetch,
    });
    if (argv.json) return outJson(r);
    out(`driver logs: ${r.driverLogs}`);
    if (r.note) out(`note: ${r.note}`);
    for (const [uri, text] of Object.entries(r.files)) out(`\n===== ${uri}\n${text}`);
  },
};

export const emrServerless: CommandModule<object, object> = {
  command: "emr-serverless <command>",
  describe: "run window steps as EMR Serverless job runs and follow them (status, cancel, logs)",
  builder: (y) =>
    y.command([submit, status, cancel, logs] as CommandModule<object, object>[]).demandCommand(1),
  handler: () => {},
};
