import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { usageError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { run } from "../../runtime/proc.ts";
import {
  localInputBytes,
  type SparkInstall,
  sparkSubmitArgs,
  withClassArchive,
} from "../../runtime/spark/index.ts";
import { STEP_ENTRY_PATH, WINDOW_JOB_PLAN_PATH } from "../../sparkgen/index.ts";
import { pollUntilTerminal } from "./poll.ts";
import { failureReason, parseStepResult, parseWindowResults, stepArgs, stepName } from "./step-args.ts";
import type { StepRequest, StepRunner, StepState, StepStatus } from "./step-runner.ts";

/** The static step runtime's entry and the generated plan it runs (see the step contract). */
export const DEFAULT_STEP_SCRIPT = STEP_ENTRY_PATH;
export const DEFAULT_PLAN = WINDOW_JOB_PLAN_PATH;

export interface LocalStepRunnerOptions {
  spark: SparkInstall;
  /** The step script; defaults to the runtime's entry, which runs `plan`. */
  script?: string;
  /** The job plan (`--plan`); defaults to the generated window job's when `script` is the default. */
  plan?: string;
  /** `local[*]` by default; tests use `local[2]`. */
  master?: string;
  /** How many steps run at once; later ones wait PENDING, as on an EMR cluster. Default 1. */
  concurrency?: number;
  /** Database credentials: passed as TRENDS_JDBC_USER/PASSWORD in the step's environment only. */
  jdbcUser?: string | undefined;
  jdbcPassword?: string | undefined;
  /** Extra `--conf` pairs (s3a endpoint and keys for `s3a://` inputs, memory…). */
  conf?: Readonly<Record<string, string>>;
  /** Extra environment for the step (AWS credentials for s3a, for instance). */
  env?: NodeJS.ProcessEnv;
  /** A directory for `<step id>.log` (stdout then stderr of each step). */
  logDir?: string;
  /** Polling of `wait` (the process is local, so short delays are cheap). */
  pollMs?: number;
  /**
   * Whether a step with no class-data archive yet makes it at its exit (runtime/spark/cds.ts:
   * ~18 s once, ~2.5 CPU-s saved per later submit). Default true.
   */
  makeClassArchive?: boolean;
}

interface LocalStep {
  status: StepStatus;
  req: StepRequest;
  abort: AbortController;
}

/**
 * Runs the window step through the pinned `spark-submit --master local[*]` on this machine.
 * Steps live in this process's memory: ids are not known to another process.
 */
export class LocalStepRunner implements StepRunner {
  readonly kind = "local" as const;
  readonly #o: LocalStepRunnerOptions;
  readonly #steps = new Map<string, LocalStep>();
  readonly #queue: string[] = [];
  #running = 0;

  constructor(o: LocalStepRunnerOptions) {
    this.#o = o;
  }

  async submit(req: StepRequest): Promise<string> {
    stepArgs(req); // validate now, so a bad request fails at submit as on EMR
    const id = `local-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
    this.#steps.set(id, {
      req,
      abort: new AbortController(),
      status: { id, state: "PENDING", name: stepName(req) },
    });
    this.#queue.push(id);
    this.#drain();
    return id;
  }

  async capacity(): Promise<number> {
    return this.#o.concurrency ?? 1;
  }

  async status(id: string): Promise<StepStatus> {
    return this.#get(id).status;
  }

  wait(id: string, signal?: AbortSignal): Promise<StepStatus> {
    this.#get(id);
    return pollUntilTerminal(() => this.status(id), {
      initialMs: this.#o.pollMs ?? 100,
      maxMs: 1000,
      signal,
    });
  }

  async cancel(id: string): Promise<void> {
    const step = this.#get(id);
    const { state } = step.status;
    if (state === "PENDING") {
      this.#queue.splice(this.#queue.indexOf(id), 1);
      this.#set(step, "CANCELLED", { reason: "cancelled before it started", endedAt: new Date() });
    } else if (state === "RUNNING") {
      step.abort.abort();
    }
  }

  async list(): Promise<StepStatus[]> {
    return [...this.#steps.values()].map((s) => s.status).reverse();
  }

  #get(id: string): LocalStep {
    const step = this.#steps.get(id);
    if (!step) {
      throw usageError(
        `no local step ${JSON.stringify(id)}`,
        "local step ids are known only to the process that submitted them; see the runner's output",
      );
    }
    return step;
  }

  #set(step: LocalStep, state: StepState, extra: Partial<StepStatus> = {}): void {
    step.status = { ...step.status, ...extra, state };
  }

  #drain(): void {
    while (this.#running < (this.#o.concurrency ?? 1) && this.#queue.length > 0) {
      const step = this.#steps.get(this.#queue.shift()!)!;
      this.#running++;
      void this.#run(step).finally(() => {
        this.#running--;
        this.#drain();
      });
    }
  }

  async #run(step: LocalStep): Promise<void> {
    const o = this.#o;
    const logUri = o.logDir ? join(o.logDir, `${step.status.id}.log`) : undefined;
    this.#set(step, "RUNNING", { startedAt: new Date(), ...(logUri ? { logUri } : {}) });
    const args = (archiveOptions: string) =>
      sparkSubmitArgs({
        script: o.script ?? DEFAULT_STEP_SCRIPT,
        args: stepArgs(step.req, { plan: o.plan ?? (o.script ? undefined : DEFAULT_PLAN) }),
        master: o.master ?? "local[*]",
        jdbcJar: o.spark.jdbcJar,
        inputBytes: localInputBytes(step.req.inputs),
        archiveOptions,
        ...(o.conf ? { conf: o.conf } : {}),
      });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PYSPARK_PYTHON: o.spark.python,
      PYSPARK_DRIVER_PYTHON: o.spark.python,
      ...o.env,
      ...(o.jdbcUser !== undefined ? { TRENDS_JDBC_USER: o.jdbcUser } : {}),
      ...(o.jdbcPassword !== undefined ? { TRENDS_JDBC_PASSWORD: o.jdbcPassword } : {}),
    };
    log().info({ step: step.status.id, window: step.req.window.start.toISOString() }, "local step started");
    try {
      // `signal` makes Node kill spark-submit (SIGTERM, so Spark's shutdown hooks run) on cancel.
      const r = await withClassArchive(
        { spark: o.spark, env },
        (archiveOptions) =>
          run(o.spark.sparkSubmit, args(archiveOptions), { env, signal: step.abort.signal }),
        o.makeClassArchive ?? true,
      );
      if (logUri) keepLog(logUri, r.stdout, r.stderr);
      const endedAt = new Date();
      const windowResults = step.req.range ? { windowResults: parseWindowResults(r.stdout) } : {};
      if (r.code === 0) {
        const result = parseStepResult(r.stdout);
        this.#set(step, "COMPLETED", { endedAt, ...(result ? { result } : {}), ...windowResults });
      } else {
        this.#set(step, "FAILED", {
          endedAt,
          ...windowResults,
          reason: failureReason(`${r.stdout}\n${r.stderr}`, r.code, r.signal),
        });
      }
    } catch (e) {
      if (step.abort.signal.aborted) {
        this.#set(step, "CANCELLED", { endedAt: new Date(), reason: "cancelled while running" });
      } else {
        this.#set(step, "FAILED", {
          endedAt: new Date(),
          reason: `could not start spark-submit: ${(e as Error).message}`,
        });
      }
    }
    log().info({ step: step.status.id, state: step.status.state }, "local step ended");
  }
}

function keepLog(path: string, stdout: string, stderr: string): void {
  try {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, `${stdout}\n----- stderr -----\n${stderr}`);
  } catch (e) {
    log().warn({ path, err: (e as Error).message }, "could not keep the step log");
  }
}
