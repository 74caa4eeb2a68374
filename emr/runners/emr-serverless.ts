import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CancelJobRunCommand,
  type EMRServerlessClient,
  GetApplicationCommand,
  GetJobRunCommand,
  type JobRun,
  type JobRunState,
  type JobRunSummary,
  ListJobRunsCommand,
  StartJobRunCommand,
  type StartJobRunRequest,
} from "@aws-sdk/client-emr-serverless";
import { TrendsError, usageError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { STEP_SUBMIT_CONF } from "../../runtime/spark/tuning.ts";
import { planFor } from "../artifacts/index.ts";
import { credentialsError, type StepArtifacts } from "./emr.ts";
import { backoffDelay, pollUntilTerminal } from "./poll.ts";
import { checkTarget, type SparkTarget } from "./spark-target.ts";
import { runIdOf, stepArgs, stepName } from "./step-args.ts";
import type { StepRequest, StepResult, StepRunner, StepState, StepStatus } from "./step-runner.ts";

/**
 * EMR Serverless limits the runner checks before calling AWS, so a request that would be refused
 * fails with the limit's name:
 * - `entryPoint` ≤ 4096 characters, `entryPointArguments` ≤ 1024 items, `sparkSubmitParameters`
 *   ≤ 102 400 characters (https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_SparkSubmit.html);
 * - `maxConcurrentRuns` 1–1000, 15 when an application's scheduler configuration is on without a
 *   value (on by default from emr-7.3.0;
 *   https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_SchedulerConfiguration.html).
 */
export const SERVERLESS_LIMITS = {
  entryPointChars: 4096,
  entryPointArguments: 1024,
  sparkSubmitParametersChars: 102_400,
  defaultMaxConcurrentRuns: 15,
} as const;

/** Worker sizes for one window: a 15-minute window is small, so one small executor is plenty. */
export interface ServerlessSizing {
  readonly driverCores: number;
  readonly driverMemory: string;
  readonly executorCores: number;
  readonly executorMemory: string;
  /** Fixed executor count: dynamic allocation would ask for workers the job never uses. */
  readonly executorInstances: number;
}

export const DEFAULT_SERVERLESS_SIZING: ServerlessSizing = {
  driverCores: 1,
  driverMemory: "2g",
  executorCores: 2,
  executorMemory: "4g",
  executorInstances: 1,
};

export interface ServerlessJobOptions {
  readonly applicationId: string;
  /** The job's IAM role (`trends aws policy --role serverless-job`). */
  readonly executionRoleArn: string;
  readonly artifacts: StepArtifacts;
  /** Secrets Manager id of the JDBC credentials; the job reads it with boto3, as on EMR. */
  readonly jdbcSecret?: string | undefined;
  /** `s3://…/` for the S3 monitoring configuration: where EMR Serverless writes the job's logs. */
  readonly logUri?: string | undefined;
  readonly sizing?: ServerlessSizing | undefined;
  /** Extra `--conf` pairs (after the sizing ones, so they win). */
  readonly sparkConf?: Readonly<Record<string, string>>;
  /** The Spark targets the uploaded step was generated for (default: every target of sparkgen). */
  readonly stepTargets?: readonly SparkTarget[];
  /** Cancels a job run that runs longer than this (EMR Serverless defaults to 12 hours). */
  readonly executionTimeoutMinutes?: number;
}

const APPLICATION_ID = /^[0-9a-z]{1,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function checkServerlessIds(applicationId: string, executionRoleArn?: string): void {
  if (!APPLICATION_ID.test(applicationId)) {
    throw usageError(
      `${JSON.stringify(applicationId)} is not an EMR Serverless application id`,
      "pass --application 00fabcdexample09 (aws emr-serverless list-applications)",
    );
  }
  if (executionRoleArn !== undefined && !ROLE_ARN.test(executionRoleArn)) {
    throw usageError(
      `${JSON.stringify(executionRoleArn)} is not an IAM role ARN`,
      "pass --execution-role arn:aws:iam::123456789012:role/trends-serverless-job",
    );
  }
}

/**
 * The StartJobRun request for a window: the same uploaded script and JDBC jar and the same step
 * arguments as on EMR, with worker sizes as `--conf`s. Pure apart from the idempotency token (the
 * run id when there is one, so a retried call does not start a second job for the same attempt),
 * so `trends emr-serverless submit --dry-run` prints what `submit` sends. `target`: the
 * application's Spark target (from its release label), which picks the job plan (`planFor`).
 */
export function startJobRunInput(
  req: StepRequest,
  o: ServerlessJobOptions,
  target?: SparkTarget,
): StartJobRunRequest {
  const args = stepArgs(req, { jdbcSecret: o.jdbcSecret, plan: planFor(o.artifacts, target) });
  return sparkSubmitJobRun(
    {
      name: stepName(req),
      script: o.artifacts.stepScript,
      args,
      clientToken: req.runId === undefined ? randomUUID() : `trends-run-${req.runId}`,
      what: `the job for ${req.window.start.toISOString()}`,
    },
    o,
  );
}

/**
 * StartJobRun of `script ARGS` with the artifacts' JDBC jar and runtime package and the worker
 * sizes as `--conf`s: the window step's and the live application's job run alike. Checks the
 * documented limits first (SERVERLESS_LIMITS).
 */
export function sparkSubmitJobRun(
  run: { name: string; script: string; args: string[]; clientToken: string; what: string },
  o: ServerlessJobOptions,
): StartJobRunRequest {
  checkServerlessIds(o.applicationId, o.executionRoleArn);
  const size = o.sizing ?? DEFAULT_SERVERLESS_SIZING;
  const conf: Record<string, string> = {
    "spark.driver.cores": String(size.driverCores),
    "spark.driver.memory": size.driverMemory,
    "spark.executor.cores": String(size.executorCores),
    "spark.executor.memory": size.executorMemory,
    "spark.executor.instances": String(size.executorInstances),
    "spark.dynamicAllocation.enabled": "false",
    // The step's static settings, as every runner passes them (runtime/spark/tuning.ts).
    ...STEP_SUBMIT_CONF,
    ...o.sparkConf,
  };
  const params = [
    `--jars ${o.artifacts.jdbcJar}`,
    // The step runtime's package, as on EMR (emrStepConfig).
    ...(o.artifacts.pyFiles ? [`--py-files ${o.artifacts.pyFiles}`] : []),
    ...Object.entries(conf).map(([k, v]) => `--conf ${k}=${v}`),
  ].join(" ");
  if (run.script.length > SERVERLESS_LIMITS.entryPointChars) {
    throw usageError(
      `the entry point ${run.script} is longer than EMR Serverless's ${SERVERLESS_LIMITS.entryPointChars} characters`,
      "use a shorter bucket name",
    );
  }
  if (run.args.length > SERVERLESS_LIMITS.entryPointArguments) {
    throw usageError(
      `${run.what} has ${run.args.length} entry point arguments; EMR Serverless allows ${SERVERLESS_LIMITS.entryPointArguments}`,
      "use a smaller lateness allowance (fewer --input prefixes)",
    );
  }
  if (params.length > SERVERLESS_LIMITS.sparkSubmitParametersChars) {
    throw usageError(
      `${run.what} has ${params.length} characters of sparkSubmitParameters; EMR Serverless allows ${SERVERLESS_LIMITS.sparkSubmitParametersChars}`,
      "pass fewer Spark settings",
    );
  }
  return {
    applicationId: o.applicationId,
    clientToken: run.clientToken,
    executionRoleArn: o.executionRoleArn,
    name: run.name,
    jobDriver: {
      sparkSubmit: { entryPoint: run.script, entryPointArguments: run.args, sparkSubmitParameters: params },
    },
    ...(o.logUri
      ? {
          configurationOverrides: {
            monitoringConfiguration: { s3MonitoringConfiguration: { logUri: slash(o.logUri) } },
          },
        }
      : {}),
    executionTimeoutMinutes: o.executionTimeoutMinutes ?? 60,
  };
}

const slash = (uri: string): string => (uri.endsWith("/") ? uri : `${uri}/`);

/** Where EMR Serverless writes a job run's logs under the S3 monitoring `logUri`. */
export const jobRunLogPrefix = (logUri: string, applicationId: string, jobRunId: string): string =>
  `${slash(logUri)}applications/${applicationId}/jobs/${jobRunId}/`;

export interface ServerlessApplication {
  id: string;
  state: string;
  releaseLabel: string;
  type: string;
  maxConcurrentRuns: number;
}

export interface EmrServerlessStepRunnerOptions extends Omit<ServerlessJobOptions, "executionRoleArn"> {
  /** Needed to submit; `status`, `cancel` and `logs` work without it. */
  readonly executionRoleArn?: string | undefined;
  client: EMRServerlessClient;
  /** Reads a finished job's stats from its `pipeline_run` row (the job writes them for `--run-id`). */
  readResult?: (runId: number) => Promise<StepResult | undefined>;
  /** GetJobRun polling: first delay and cap; defaults 2 s and 30 s. */
  poll?: { initialMs: number; maxMs: number };
  /** How long `submit` waits for a slot when the application is at maxConcurrentRuns; 0 refuses. */
  queueWaitMs?: number;
}

const ACTIVE: JobRunState[] = ["SUBMITTED", "PENDING", "SCHEDULED", "QUEUED", "RUNNING", "CANCELLING"];

/** EMR Serverless job run states → the runner's step states. */
const STATE: Record<string, StepState> = {
  SUBMITTED: "PENDING",
  PENDING: "PENDING",
  SCHEDULED: "PENDING",
  QUEUED: "PENDING",
  RUNNING: "RUNNING",
  CANCELLING: "RUNNING",
  SUCCESS: "COMPLETED",
  FAILED: "FAILED",
  CANCELLED: "CANCELLED",
};

/** Runs window steps as EMR Serverless job runs (StartJobRun / GetJobRun / CancelJobRun). */
export class EmrServerlessStepRunner implements StepRunner {
  readonly kind = "emr-serverless" as const;
  readonly #o: EmrServerlessStepRunnerOptions;
  #app: Promise<ServerlessApplication> | undefined;

  constructor(o: EmrServerlessStepRunnerOptions) {
    checkServerlessIds(o.applicationId, o.executionRoleArn);
    this.#o = o;
  }

  /** The application's state, release label and concurrency (cached); unknown or terminated is a usage error. */
  application(): Promise<ServerlessApplication> {
    this.#app ??= this.#getApplication().catch((e: unknown) => {
      this.#app = undefined;
      throw e;
    });
    return this.#app;
  }

  async capacity(): Promise<number> {
    return (await this.application()).maxConcurrentRuns;
  }

  async submit(req: StepRequest): Promise<string> {
    return this.startJobRun((o, target) => startJobRunInput(req, o, target));
  }

  /**
   * Starts the job run `input` builds for the application's Spark target (once a slot is free);
   * its id.
   */
  async startJobRun(
    input: (o: ServerlessJobOptions, target: SparkTarget | undefined) => StartJobRunRequest,
  ): Promise<string> {
    const { executionRoleArn } = this.#o;
    if (!executionRoleArn) {
      throw usageError(
        "no execution role for the EMR Serverless job run",
        "pass --execution-role arn:aws:iam::ACCOUNT:role/NAME (`trends aws policy --role serverless-job`)",
      );
    }
    const app = await this.application();
    const target = checkTarget(`EMR Serverless application ${app.id}`, app.releaseLabel, this.#o.stepTargets);
    const request = input({ ...this.#o, executionRoleArn }, target);
    await this.#waitForSlot();
    const out = await this.#call((c) => c.send(new StartJobRunCommand(request)));
    log().info(
      { jobRun: out.jobRunId, application: this.#o.applicationId, name: request.name },
      "EMR Serverless job run started",
    );
    if (!out.jobRunId) throw new TrendsError(`EMR Serverless accepted no job run for ${request.name}`);
    return out.jobRunId;
  }

  async status(id: string): Promise<StepStatus> {
    const out = await this.#call(
      (c) => c.send(new GetJobRunCommand({ applicationId: this.#o.applicationId, jobRunId: id })),
      id,
    );
    if (!out.jobRun)
      throw usageError(`no EMR Serverless job run ${id} on application ${this.#o.applicationId}`);
    const s = this.#fromJobRun(out.jobRun);
    const runId = runIdOf(out.jobRun.jobDriver?.sparkSubmit?.entryPointArguments ?? []);
    if (s.state === "COMPLETED" && runId !== undefined && this.#o.readResult) {
      const result = await this.#o.readResult(runId);
      if (result) return { ...s, result };
    }
    return s;
  }

  wait(id: string, signal?: AbortSignal): Promise<StepStatus> {
    const p = this.#o.poll ?? { initialMs: 2000, maxMs: 30_000 };
    return pollUntilTerminal(() => this.status(id), { ...p, signal });
  }

  async cancel(id: string): Promise<void> {
    const s = await this.status(id);
    if (s.state !== "PENDING" && s.state !== "RUNNING") return;
    await this.#call(
      (c) => c.send(new CancelJobRunCommand({ applicationId: this.#o.applicationId, jobRunId: id })),
      id,
    );
  }

  async list(): Promise<StepStatus[]> {
    const out = await this.#call((c) =>
      c.send(new ListJobRunsCommand({ applicationId: this.#o.applicationId, maxResults: 50 })),
    );
    return (out.jobRuns ?? []).map((r) => this.#fromJobRun(r));
  }

  /** Job runs of the application not yet in a final state, over every ListJobRuns page. */
  async activeRuns(): Promise<number> {
    let n = 0;
    let nextToken: string | undefined;
    do {
      const out = await this.#call((c) =>
        c.send(new ListJobRunsCommand({ applicationId: this.#o.applicationId, states: ACTIVE, nextToken })),
      );
      n += out.jobRuns?.length ?? 0;
      nextToken = out.nextToken;
    } while (nextToken);
    return n;
  }

  async #waitForSlot(): Promise<void> {
    const { maxConcurrentRuns } = await this.application();
    const deadline = Date.now() + (this.#o.queueWaitMs ?? 0);
    for (let attempt = 0; ; attempt++) {
      const active = await this.activeRuns();
      if (active < maxConcurrentRuns) return;
      if (Date.now() >= deadline) {
        throw new TrendsError(
          `EMR Serverless application ${this.#o.applicationId} already has ${active} job runs in progress (its maxConcurrentRuns is ${maxConcurrentRuns})`,
          {
            fix: "wait for runs to finish, cancel some with `trends emr-serverless cancel --job-run ID`, or raise maxConcurrentRuns (aws emr-serverless update-application --scheduler-configuration)",
          },
        );
      }
      await sleep(backoffDelay(attempt, this.#o.poll ?? { initialMs: 2000, maxMs: 30_000 }));
    }
  }

  async #getApplication(): Promise<ServerlessApplication> {
    const out = await this.#call((c) =>
      c.send(new GetApplicationCommand({ applicationId: this.#o.applicationId })),
    );
    const a = out.application;
    if (!a) throw usageError(`no EMR Serverless application ${this.#o.applicationId}`);
    if (a.state === "TERMINATED" || a.state === "STOPPING") {
      throw usageError(
        `EMR Serverless application ${a.applicationId} is ${a.state}`,
        "create an application (see emr/README.md) and pass its id with --application",
      );
    }
    if ((a.type ?? "").toUpperCase() !== "SPARK") {
      throw usageError(
        `EMR Serverless application ${a.applicationId} is of type ${a.type}, not Spark`,
        "create it with --type SPARK",
      );
    }
    return {
      id: a.applicationId ?? this.#o.applicationId,
      state: a.state ?? "UNKNOWN",
      releaseLabel: a.releaseLabel ?? "",
      type: a.type ?? "",
      maxConcurrentRuns:
        a.schedulerConfiguration?.maxConcurrentRuns ?? SERVERLESS_LIMITS.defaultMaxConcurrentRuns,
    };
  }

  #fromJobRun(r: JobRun | JobRunSummary): StepStatus {
    const id = ("jobRunId" in r ? r.jobRunId : r.id) ?? "";
    const state = STATE[r.state ?? ""] ?? "PENDING";
    const startedAt = r.attemptCreatedAt ?? ("startedAt" in r ? r.startedAt : undefined) ?? r.createdAt;
    const endedAt = "endedAt" in r ? r.endedAt : undefined;
    const logUri = this.#o.logUri ? jobRunLogPrefix(this.#o.logUri, this.#o.applicationId, id) : undefined;
    const reason = state === "FAILED" || state === "CANCELLED" ? r.stateDetails : undefined;
    return {
      id,
      state,
      ...(r.name ? { name: r.name } : {}),
      ...(reason ? { reason } : {}),
      ...(state !== "PENDING" && startedAt ? { startedAt } : {}),
      ...((endedAt ?? (state === "COMPLETED" || state === "FAILED" || state === "CANCELLED"))
        ? { endedAt: endedAt ?? r.updatedAt }
        : {}),
      ...(logUri ? { logUri } : {}),
    };
  }

  async #call<T>(send: (c: EMRServerlessClient) => Promise<T>, jobRunId?: string): Promise<T> {
    try {
      return await send(this.#o.client);
    } catch (e) {
      throw mapServerlessError(e, this.#o.applicationId, jobRunId);
    }
  }
}

/** EMR Serverless client errors → one-line TrendsErrors naming the fix. */
export function mapServerlessError(e: unknown, applicationId: string, jobRunId?: string): unknown {
  if (!(e instanceof Error)) return e;
  const name = e.name;
  const creds = credentialsError(e, "EMR Serverless", "ValidationException");
  if (creds) return creds;
  if (name === "ResourceNotFoundException" || name === "ValidationException") {
    if (jobRunId) {
      return usageError(
        `no EMR Serverless job run ${jobRunId} on application ${applicationId}: ${e.message}`,
        "list job runs with `trends emr-serverless status`",
      );
    }
    return usageError(
      `EMR Serverless rejected application ${applicationId}: ${e.message}`,
      "pass the id of an existing application with --application (aws emr-serverless list-applications)",
    );
  }
  if (name === "ServiceQuotaExceededException") {
    return new TrendsError(`EMR Serverless quota exceeded on application ${applicationId}: ${e.message}`, {
      fix: "wait for running jobs to finish or ask for a higher quota (Service Quotas: EMR Serverless, max concurrent vCPUs per account)",
    });
  }
  if (name === "ConflictException") {
    return usageError(
      `EMR Serverless refused the request on application ${applicationId}: ${e.message}`,
      "check the application's state with `aws emr-serverless get-application`",
    );
  }
  return e;
}
