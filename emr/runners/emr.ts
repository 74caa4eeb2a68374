import { setTimeout as sleep } from "node:timers/promises";
import {
  AddJobFlowStepsCommand,
  type AddJobFlowStepsInput,
  CancelStepsCommand,
  DescribeClusterCommand,
  DescribeStepCommand,
  type EMRClient,
  ListStepsCommand,
  type Step,
  type StepConfig,
  type StepSummary,
} from "@aws-sdk/client-emr";
import { TrendsError, usageError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { STEP_SUBMIT_CONF } from "../../runtime/spark/tuning.ts";
import { planFor } from "../artifacts/index.ts";
import { backoffDelay, pollUntilTerminal } from "./poll.ts";
import { checkTarget, type SparkTarget } from "./spark-target.ts";
import { runIdOf, stepArgs, stepName } from "./step-args.ts";
import type { StepRequest, StepResult, StepRunner, StepState, StepStatus } from "./step-runner.ts";

/** S3 URIs of the uploaded artifacts a step runs (see `uploadArtifacts`). */
export interface StepArtifacts {
  /** `s3://BUCKET/artifacts/<hash>/runtime/window_step.py` */
  readonly stepScript: string;
  /** `s3://BUCKET/artifacts/<hash>/steps/window_job.json` (the generated plan; its SQL files beside it) */
  readonly plan?: string;
  /** `s3://BUCKET/artifacts/<hash>/runtime/trends_step.zip` (the runtime package, `--py-files`) */
  readonly pyFiles?: string;
  /** `s3://BUCKET/artifacts/<hash>/jars/postgresql-….jar` */
  readonly jdbcJar: string;
  /** Every file's URI by key: a Spark target's own plan is among them when it has one (`planFor`). */
  readonly uris?: Readonly<Record<string, string>>;
}

/** EMR's documented limits (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-add-steps.html). */
export const EMR_LIMITS = { activeSteps: 256, argumentChars: 10_240 } as const;

export interface EmrStepOptions {
  readonly artifacts: StepArtifacts;
  /** Secrets Manager id of the JDBC credentials; the step reads it with boto3 on the cluster. */
  readonly jdbcSecret?: string | undefined;
  /** Extra `--conf` pairs for spark-submit. */
  readonly sparkConf?: Readonly<Record<string, string>>;
  /** The Spark targets the uploaded step was generated for (default: every target of sparkgen). */
  readonly stepTargets?: readonly SparkTarget[];
}

/**
 * The EMR step for a request: `command-runner.jar spark-submit --deploy-mode cluster …`.
 * Pure, so `trends emr submit --dry-run` prints exactly what `submit` sends. `target`: the
 * cluster's Spark target (from its release label), which picks the job plan (`planFor`).
 */
export function emrStepConfig(req: StepRequest, o: EmrStepOptions, target?: SparkTarget): StepConfig {
  const args = stepArgs(req, { jdbcSecret: o.jdbcSecret, plan: planFor(o.artifacts, target) });
  return sparkSubmitStep(stepName(req), o.artifacts.stepScript, args, o, {
    what: `the step for ${req.window.start.toISOString()}`,
    fix: "use a shorter bucket/raw prefix or a smaller lateness allowance (fewer --input prefixes)",
  });
}

/**
 * `command-runner.jar spark-submit --deploy-mode cluster … SCRIPT ARGS` with the artifacts' JDBC
 * jar and runtime package: the window step's and the live application's step alike.
 */
export function sparkSubmitStep(
  name: string,
  script: string,
  scriptArgs: readonly string[],
  o: EmrStepOptions,
  tooLong: { what: string; fix: string },
): StepConfig {
  const conf: Record<string, string> = {
    // One YARN attempt: a failed step is reported once and the scheduler decides about retries
    // (YARN's default of 2 attempts would silently rerun the window inside one step).
    "spark.yarn.maxAppAttempts": "1",
    // The step's static settings, as every runner passes them (runtime/spark/tuning.ts).
    ...STEP_SUBMIT_CONF,
    ...o.sparkConf,
  };
  const args = [
    "spark-submit",
    "--deploy-mode",
    "cluster",
    "--jars",
    o.artifacts.jdbcJar,
    ...(o.artifacts.pyFiles ? ["--py-files", o.artifacts.pyFiles] : []),
    ...Object.entries(conf).flatMap(([k, v]) => ["--conf", `${k}=${v}`]),
    script,
    ...scriptArgs,
  ];
  const chars = args.reduce((n, a) => n + a.length, 0);
  if (chars > EMR_LIMITS.argumentChars) {
    throw usageError(
      `${tooLong.what} has ${chars} characters of arguments; EMR allows ${EMR_LIMITS.argumentChars}`,
      tooLong.fix,
    );
  }
  return {
    Name: name,
    // CONTINUE: a failed window must not stop the cluster or cancel other windows' steps, and it
    // is the only value EMR allows when StepConcurrencyLevel > 1.
    ActionOnFailure: "CONTINUE",
    HadoopJarStep: { Jar: "command-runner.jar", Args: args },
  };
}

export const addStepsInput = (clusterId: string, steps: StepConfig[]): AddJobFlowStepsInput => ({
  JobFlowId: clusterId,
  Steps: steps,
});

export interface EmrStepRunnerOptions extends EmrStepOptions {
  emr: EMRClient;
  clusterId: string;
  /** Reads a finished step's stats from its `pipeline_run` row (the step writes them for `--run-id`). */
  readResult?: (runId: number) => Promise<StepResult | undefined>;
  /** DescribeStep polling: first delay and cap; defaults 2 s and 30 s. */
  poll?: { initialMs: number; maxMs: number };
  /** How long `submit` waits for a slot when the cluster has 256 active steps; 0 (default) refuses. */
  queueWaitMs?: number;
}

export interface ClusterInfo {
  id: string;
  state: string;
  stepConcurrencyLevel: number;
  /** `emr-7.13.0`…: decides the Spark target (`sparkTargetOf`). */
  releaseLabel?: string;
  /** `s3://…/` where EMR pushes logs, if the cluster has one. */
  logUri?: string;
}

const DEAD = new Set(["TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS"]);

/** Runs window steps on an EMR cluster through AddJobFlowSteps / DescribeStep / CancelSteps. */
export class EmrStepRunner implements StepRunner {
  readonly kind = "emr" as const;
  readonly #o: EmrStepRunnerOptions;
  #cluster: Promise<ClusterInfo> | undefined;

  constructor(o: EmrStepRunnerOptions) {
    if (!/^j-[A-Z0-9]{1,20}$/.test(o.clusterId)) {
      throw usageError(
        `${JSON.stringify(o.clusterId)} is not an EMR cluster id`,
        "pass --cluster j-XXXXXXXXXXXXX",
      );
    }
    this.#o = o;
  }

  /** The cluster's state, StepConcurrencyLevel and LogUri (cached); an unknown or dead cluster is a usage error. */
  cluster(): Promise<ClusterInfo> {
    this.#cluster ??= this.#describeCluster().catch((e: unknown) => {
      this.#cluster = undefined;
      throw e;
    });
    return this.#cluster;
  }

  async capacity(): Promise<number> {
    return (await this.cluster()).stepConcurrencyLevel;
  }

  async submit(req: StepRequest): Promise<string> {
    return this.submitStep((target, o) => emrStepConfig(req, o, target));
  }

  /**
   * Adds the step `config` builds from the runner's artifacts for the cluster's Spark target (once
   * the queue has room); its id.
   */
  async submitStep(
    config: (target: SparkTarget | undefined, o: EmrStepOptions) => StepConfig,
  ): Promise<string> {
    const c = await this.cluster();
    const target = checkTarget(`EMR cluster ${c.id}`, c.releaseLabel, this.#o.stepTargets);
    const step = config(target, this.#o);
    await this.#waitForSlot();
    const out = await this.#call((emr) =>
      emr.send(new AddJobFlowStepsCommand(addStepsInput(this.#o.clusterId, [step]))),
    );
    const id = out.StepIds?.[0];
    if (!id) throw new TrendsError(`EMR accepted no step for ${step.Name}`);
    log().info({ step: id, cluster: this.#o.clusterId, name: step.Name }, "EMR step submitted");
    return id;
  }

  async status(id: string): Promise<StepStatus> {
    const out = await this.#call(
      (emr) => emr.send(new DescribeStepCommand({ ClusterId: this.#o.clusterId, StepId: id })),
      id,
    );
    if (!out.Step) throw usageError(`no EMR step ${id} on cluster ${this.#o.clusterId}`);
    const s = await this.#fromStep(out.Step);
    const runId = runIdOf(out.Step.Config?.Args ?? []);
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
    const out = await this.#call(
      (emr) =>
        emr.send(
          new CancelStepsCommand({
            ClusterId: this.#o.clusterId,
            StepIds: [id],
            // SEND_INTERRUPT lets spark-submit's shutdown hooks run (EMR 5.28+ cancels running steps).
            StepCancellationOption: "SEND_INTERRUPT",
          }),
        ),
      id,
    );
    const info = out.CancelStepsInfoList?.find((i) => i.StepId === id);
    if (info?.Status === "FAILED") {
      throw new TrendsError(`EMR could not cancel step ${id}: ${info.Reason ?? "no reason given"}`, {
        fix: "check its state with `trends emr status --step ID`",
      });
    }
  }

  async list(): Promise<StepStatus[]> {
    const out = await this.#call((emr) => emr.send(new ListStepsCommand({ ClusterId: this.#o.clusterId })));
    return Promise.all((out.Steps ?? []).map((s) => this.#fromStep(s)));
  }

  /** Active (PENDING/RUNNING) steps on the cluster, counted over every ListSteps page. */
  async activeSteps(): Promise<number> {
    let n = 0;
    let marker: string | undefined;
    do {
      const out = await this.#call((emr) =>
        emr.send(
          new ListStepsCommand({
            ClusterId: this.#o.clusterId,
            StepStates: ["PENDING", "RUNNING"],
            Marker: marker,
          }),
        ),
      );
      n += out.Steps?.length ?? 0;
      marker = out.Marker;
    } while (marker);
    return n;
  }

  async #waitForSlot(): Promise<void> {
    const deadline = Date.now() + (this.#o.queueWaitMs ?? 0);
    for (let attempt = 0; ; attempt++) {
      const active = await this.activeSteps();
      if (active < EMR_LIMITS.activeSteps) return;
      if (Date.now() >= deadline) {
        throw new TrendsError(
          `cluster ${this.#o.clusterId} already has ${active} pending or running steps (EMR allows ${EMR_LIMITS.activeSteps})`,
          { fix: "wait for steps to finish, or cancel some with `trends emr cancel --step ID`" },
        );
      }
      await sleep(backoffDelay(attempt, this.#o.poll ?? { initialMs: 2000, maxMs: 30_000 }));
    }
  }

  async #describeCluster(): Promise<ClusterInfo> {
    const out = await this.#call((emr) =>
      emr.send(new DescribeClusterCommand({ ClusterId: this.#o.clusterId })),
    );
    const c = out.Cluster;
    const state = c?.Status?.State ?? "UNKNOWN";
    if (DEAD.has(state)) {
      throw usageError(
        `EMR cluster ${this.#o.clusterId} is ${state}`,
        "start a cluster and pass its id with --cluster (or emrCluster in trends.config.json)",
      );
    }
    const logUri = c?.LogUri?.replace(/^s3n:\/\//, "s3://");
    return {
      id: this.#o.clusterId,
      state,
      stepConcurrencyLevel: c?.StepConcurrencyLevel ?? 1,
      ...(c?.ReleaseLabel ? { releaseLabel: c.ReleaseLabel } : {}),
      ...(logUri ? { logUri: logUri.endsWith("/") ? logUri : `${logUri}/` } : {}),
    };
  }

  async #fromStep(s: Step | StepSummary): Promise<StepStatus> {
    const st = s.Status;
    const reason =
      st?.FailureDetails?.Message ?? st?.FailureDetails?.Reason ?? st?.StateChangeReason?.Message;
    const logUri = st?.FailureDetails?.LogFile ?? (await this.#stepLogUri(s.Id ?? ""));
    return {
      id: s.Id ?? "",
      state: (st?.State ?? "PENDING") as StepState,
      ...(s.Name ? { name: s.Name } : {}),
      ...(reason ? { reason } : {}),
      ...(st?.Timeline?.StartDateTime ? { startedAt: st.Timeline.StartDateTime } : {}),
      ...(st?.Timeline?.EndDateTime ? { endedAt: st.Timeline.EndDateTime } : {}),
      ...(logUri ? { logUri } : {}),
    };
  }

  async #stepLogUri(id: string): Promise<string | undefined> {
    const c = await this.cluster().catch(() => undefined);
    return c?.logUri ? `${c.logUri}${this.#o.clusterId}/steps/${id}/` : undefined;
  }

  /** Sends a command; maps EMR's "not valid" errors and missing credentials to usage errors. */
  async #call<T>(send: (emr: EMRClient) => Promise<T>, stepId?: string): Promise<T> {
    try {
      return await send(this.#o.emr);
    } catch (e) {
      throw mapEmrError(e, this.#o.clusterId, stepId);
    }
  }
}

/** A missing-credentials error of an AWS client as a usage error, else undefined. */
export function credentialsError(e: Error, service: string, requestError: string): TrendsError | undefined {
  if (e.name !== "CredentialsProviderError" && !(/credential/i.test(e.message) && e.name !== requestError))
    return undefined;
  return usageError(
    `no AWS credentials for ${service}: ${e.message.split("\n")[0]}`,
    "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on a host with an instance role",
  );
}

/** EMR's client errors → one-line TrendsErrors naming the fix. */
export function mapEmrError(e: unknown, clusterId: string, stepId?: string): unknown {
  if (!(e instanceof Error)) return e;
  const name = e.name;
  const creds = credentialsError(e, "EMR", "InvalidRequestException");
  if (creds) return creds;
  if (name === "InvalidRequestException" || name === "ValidationException") {
    if (stepId && /step/i.test(e.message)) {
      return usageError(
        `no EMR step ${stepId} on cluster ${clusterId}: ${e.message}`,
        "list steps with `trends emr status`",
      );
    }
    return usageError(
      `EMR rejected cluster ${clusterId}: ${e.message}`,
      "pass the id of a running cluster with --cluster (aws emr list-clusters --active)",
    );
  }
  return e;
}
