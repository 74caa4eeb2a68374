import type { Argv, CommandModule } from "yargs";
import {
  checkJdbcUrl,
  collectArtifacts,
  DEFAULT_RANGE_WINDOWS,
  dryRunSteps,
  EMR_LIMITS,
  EmrStepRunner,
  findStepLogs,
  jdbcFromDatabaseUrl,
  type StepStatus,
  stepName,
  submitWindows,
} from "../../emr/index.ts";
import { awsOptionsFrom, createEmr, createS3 } from "../../runtime/aws/index.ts";
import type { Settings } from "../../runtime/config/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import { jdbcJarPath } from "../../runtime/spark/index.ts";
import { parseTime, type Window, windowAt, windowsBetween } from "../../runtime/windows/index.ts";
import { settingsFrom } from "../context.ts";
import { printLines } from "../output.ts";

interface EmrArgs {
  cluster?: string;
  json?: boolean;
}

const CLUSTER_ID = /^j-[A-Z0-9]{1,20}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function clusterOf(argv: EmrArgs, s: Settings): string {
  const id = argv.cluster ?? s.emrCluster;
  if (!id)
    throw usageError(
      "no EMR cluster given",
      "pass --cluster j-XXXXXXXXXXXXX or set emrCluster (TRENDS_EMR_CLUSTER)",
    );
  if (!CLUSTER_ID.test(id))
    throw usageError(`${JSON.stringify(id)} is not an EMR cluster id`, "pass --cluster j-XXXXXXXXXXXXX");
  return id;
}

const withCluster = <T>(y: Argv<T>) =>
  y
    .option("cluster", {
      type: "string",
      describe: "EMR cluster id j-… (default: emrCluster / TRENDS_EMR_CLUSTER)",
    })
    .option("json", { type: "boolean", default: false, describe: "print JSON on stdout" });

/** Human lines go through printLines (neutralised); JSON is printed exactly. */
export const out = (text: string): void => printLines(...text.replace(/\n$/, "").split("\n"));
export const outJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

export interface SubmitArgs extends EmrArgs {
  bucket?: string;
  window?: string;
  from?: string;
  to?: string;
  "dry-run": boolean;
  "range-windows": number;
  "jdbc-url"?: string;
  "jdbc-secret"?: string;
  "generated-dir"?: string;
  "runtime-dir"?: string;
}

/** The options of every `submit`: bucket, window or range, dry run, JDBC URL and secret. */
export const submitOptions = <T>(y: Argv<T>, request: string) =>
  y
    .option("bucket", {
      type: "string",
      describe: "S3 bucket of raw events and artifacts (default: bucket / TRENDS_BUCKET)",
    })
    .option("window", { type: "string", describe: "one window start, ISO, on a window boundary" })
    .option("from", { type: "string", describe: "first window start of a range (ISO)" })
    .option("to", { type: "string", describe: "end of the range (ISO, exclusive)" })
    .option("range-windows", {
      type: "number",
      default: DEFAULT_RANGE_WINDOWS,
      describe:
        "at most this many consecutive windows per step (one Spark application, a transaction per window); 1 = a step per window",
    })
    .option("dry-run", {
      type: "boolean",
      default: false,
      describe: `print the exact ${request} JSON (no secrets in it); contact nothing`,
    })
    .option("jdbc-url", {
      type: "string",
      describe: "jdbc:postgresql://host:port/db (default: from DATABASE_URL, without credentials)",
    })
    .option("jdbc-secret", {
      type: "string",
      describe: "Secrets Manager id of the DB credentials the step reads (default: TRENDS_JDBC_SECRET)",
    })
    .option("generated-dir", {
      type: "string",
      describe: "generated steps directory (default: sparkgen/generated)",
    })
    .option("runtime-dir", {
      type: "string",
      describe: "step runtime directory: window_step.py and trends_step/ (default: sparkgen/runtime)",
    })
    .conflicts("window", ["from", "to"]);

const submit: CommandModule<object, SubmitArgs> = {
  command: "submit",
  describe: "upload the generated steps and submit one EMR step per range of windows (--range-windows)",
  builder: (y) =>
    submitOptions(withCluster(y), "AddJobFlowSteps")
      .example(
        "$0 emr submit --cluster j-2AXXXXXXGAPLF --bucket my-trends --window 2026-11-26T04:15:00Z",
        "one window",
      )
      .example(
        "$0 emr submit --from 2026-11-26T00:00Z --to 2026-11-26T06:00Z --dry-run",
        "print one step for the 24 windows",
      ),
  handler: async (argv) => {
    const s = settingsFrom(argv);
    const clusterId = clusterOf(argv, s);
    const plan = { clusterId, ...submitInputs(argv, s, "EMR") };
    if (argv["dry-run"]) {
      outJson(dryRunSteps(plan));
      return;
    }
    const aws = awsOptionsFrom(s);
    const r = await submitWindows(plan, { emr: createEmr(aws), s3: createS3(aws) });
    if (argv.json) outJson(r);
    else {
      out(`artifacts ${r.artifacts}`);
      for (const st of r.steps) out(`${windowsLine(st)}  ${st.stepId}  submitted`);
    }
  },
};

/** `START` for one window, `START x N` for a range step. */
export const windowsLine = (st: { window: string; windows: number }): string =>
  st.windows > 1 ? `${st.window} x${st.windows}` : st.window;

/** What every submit needs besides the target: bucket, windows, JDBC URL and secret id, artifacts. */
export function submitInputs(argv: SubmitArgs, s: Settings, where: string) {
  const bucket = argv.bucket ?? s.bucket;
  if (!bucket) throw usageError("no S3 bucket given", "pass --bucket NAME or set bucket (TRENDS_BUCKET)");
  if (!BUCKET.test(bucket))
    throw usageError(`${JSON.stringify(bucket)} is not an S3 bucket name`, "pass --bucket NAME");
  const windows = windowsOf(argv, s.windowMinutes);
  const jdbcUrl =
    argv["jdbc-url"] ?? (s.databaseUrl ? jdbcFromDatabaseUrl(s.databaseUrl).jdbcUrl : undefined);
  if (!jdbcUrl)
    throw usageError(
      "no database for the step",
      "pass --jdbc-url jdbc:postgresql://host:5432/trends or set DATABASE_URL",
    );
  // Before anything is uploaded: a bad URL would otherwise fail only when the steps are built.
  checkJdbcUrl(jdbcUrl);
  const jdbcSecret = argv["jdbc-secret"] ?? process.env.TRENDS_JDBC_SECRET;
  if (!jdbcSecret) {
    throw usageError(
      `no database credentials for the step on ${where}`,
      "store them in Secrets Manager and pass --jdbc-secret ID (or set TRENDS_JDBC_SECRET)",
    );
  }
  const files = collectArtifacts({
    jdbcJar: jdbcJarPath(s.cacheDir),
    ...(argv["generated-dir"] ? { generatedDir: argv["generated-dir"] } : {}),
    ...(argv["runtime-dir"] ? { runtimeDir: argv["runtime-dir"] } : {}),
  });
  const range = argv["range-windows"];
  if (!Number.isInteger(range) || range < 1)
    throw usageError(
      `--range-windows ${range} is not a positive whole number`,
      "pass --range-windows 96 (or 1)",
    );
  return {
    bucket,
    rawPrefix: s.rawPrefix,
    latenessMinutes: s.latenessMinutes,
    windows,
    rangeWindows: range,
    jdbcUrl,
    jdbcSecret,
    files,
  };
}

export function windowsOf(argv: Pick<SubmitArgs, "window" | "from" | "to">, minutes: number): Window[] {
  if (argv.window) return [windowAt(parseTime(argv.window, "--window"), minutes)];
  if (argv.from && argv.to) {
    // One submit adds one step per window, and a cluster holds at most 256 active steps.
    const ws = windowsBetween(parseTime(argv.from, "--from"), parseTime(argv.to, "--to"), minutes, {
      windows: EMR_LIMITS.activeSteps,
      why: "an EMR cluster holds at most that many pending and running steps",
    });
    if (ws.length === 0) throw usageError("--from/--to hold no window", "make --to later than --from");
    return ws;
  }
  throw usageError("no window given", "pass --window ISO, or --from ISO --to ISO");
}

const runnerFor = (argv: EmrArgs & Record<string, unknown>) => {
  const s = settingsFrom(argv);
  const clusterId = clusterOf(argv, s);
  const aws = awsOptionsFrom(s);
  // status/cancel/logs never submit, so they need no artifacts.
  const runner = new EmrStepRunner({
    emr: createEmr(aws),
    clusterId,
    artifacts: { stepScript: "", jdbcJar: "" },
  });
  return { s, clusterId, aws, runner };
};

export const line = (st: StepStatus): string =>
  [
    st.id.padEnd(15),
    st.state.padEnd(10),
    (st.name ?? "").padEnd(40),
    st.startedAt ? st.startedAt.toISOString() : "-",
    st.endedAt ? st.endedAt.toISOString() : "-",
    st.reason ?? "",
  ]
    .join("  ")
    .trimEnd();

const status: CommandModule<object, EmrArgs & { step?: string; window?: string }> = {
  command: "status",
  describe: "show EMR steps: one (--step), a window's (--window) or the cluster's recent ones",
  builder: (y) =>
    withCluster(y)
      .option("step", { type: "string", describe: "step id s-…" })
      .option("window", { type: "string", describe: "window start (ISO): its steps, newest first" })
      .conflicts("step", "window"),
  handler: async (argv) => {
    const { s, runner } = runnerFor(argv);
    let steps: StepStatus[];
    if (argv.step) steps = [await runner.status(argv.step)];
    else {
      steps = await runner.list();
      if (argv.window) {
        const w = windowAt(parseTime(argv.window, "--window"), s.windowMinutes);
        steps = steps.filter((st) => st.name === stepName({ window: w }));
      }
    }
    if (argv.json) outJson(steps);
    else if (steps.length === 0) out("no steps");
    else for (const st of steps) out(line(st));
  },
};

const cancel: CommandModule<object, EmrArgs & { step: string }> = {
  command: "cancel",
  describe: "cancel a pending or running EMR step",
  builder: (y) =>
    withCluster(y).option("step", { type: "string", demandOption: true, describe: "step id s-…" }),
  handler: async (argv) => {
    const { runner } = runnerFor(argv);
    await runner.cancel(argv.step);
    const st = await runner.status(argv.step);
    if (argv.json) outJson(st);
    else out(`${st.id}  ${st.state}${st.state === "CANCELLED" ? "" : "  (cancel requested)"}`);
  },
};

const logs: CommandModule<object, EmrArgs & { step: string; fetch: boolean }> = {
  command: "logs",
  describe: "say where a step's driver logs are and print them from S3 when EMR has pushed them",
  builder: (y) =>
    withCluster(y)
      .option("step", { type: "string", demandOption: true, describe: "step id s-…" })
      .option("fetch", {
        type: "boolean",
        default: true,
        describe: "fetch the logs (--no-fetch: only say where)",
      }),
  handler: async (argv) => {
    const { clusterId, aws } = runnerFor(argv);
    const r = await findStepLogs({
      emr: createEmr(aws),
      s3: createS3(aws),
      clusterId,
      stepId: argv.step,
      fetch: argv.fetch,
    });
    if (argv.json) return outJson(r);
    if (r.stepLogs) out(`step logs:   ${r.stepLogs}`);
    if (r.driverLogs) out(`driver logs: ${r.driverLogs}  (${r.applicationId})`);
    if (r.note) out(`note: ${r.note}`);
    for (const [uri, text] of Object.entries(r.files)) out(`\n===== ${uri}\n${text}`);
  },
};

export const emr: CommandModule<object, object> = {
  command: "emr <command>",
  describe: "submit window steps to Amazon EMR and follow them (status, cancel, logs)",
  builder: (y) =>
    y.command([submit, status, cancel, logs] as CommandModule<object, object>[]).demandCommand(1),
  handler: () => {},
};
