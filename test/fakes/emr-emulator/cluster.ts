import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SparkInstall } from "../../../runtime/spark/index.ts";
import { jvmOptions } from "../../../runtime/spark/jvm.ts";
import { fetchS3, isS3Uri, putLog } from "./s3-files.ts";

export type State = "PENDING" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED" | "INTERRUPTED";

export interface StepConfigJson {
  Name: string;
  ActionOnFailure?: string;
  HadoopJarStep: { Jar: string; Args?: string[]; MainClass?: string; Properties?: unknown[] };
}

export interface EmulatedStep {
  id: string;
  config: StepConfigJson;
  state: State;
  created: Date;
  started?: Date;
  ended?: Date;
  reason?: string;
  logFile?: string;
  child?: ChildProcess;
  /** The argv the emulator actually ran (after rewriting S3 URIs and the deploy mode). */
  ran?: string[];
  stdout: string;
  stderr: string;
}

export interface ClusterSpec {
  id: string;
  name?: string;
  state?: string;
  stepConcurrencyLevel?: number;
  /** Default emr-7.13.0 (Spark 3.5.6). */
  releaseLabel?: string;
  /** `s3://bucket/logs/`: where step and container logs are pushed (in moto). */
  logUri?: string;
}

export interface ClusterDeps {
  spark: SparkInstall;
  s3: S3Client;
  workDir: string;
  /** Environment of every step: stands in for the cluster's instance role and the JDBC secret. */
  stepEnv: NodeJS.ProcessEnv;
  /**
   * Read input prefixes (`s3://…/`) through s3a from the S3 endpoint, as EMRFS reads them on a
   * cluster, instead of copying them: these `--conf` settings and jars are added to every step.
   */
  s3a?: { conf: Record<string, string>; jars: string[] } | undefined;
}

let seq = 0;
const stepId = (): string => `s-${(Date.now() + seq++).toString(36).toUpperCase().padStart(13, "0")}`;

/**
 * One emulated EMR cluster: steps queue PENDING, at most StepConcurrencyLevel run at once, and a
 * running step is a real local `spark-submit --master local[2]` of the step's command.
 */
export class EmulatedCluster {
  readonly steps: EmulatedStep[] = [];
  readonly created = new Date();
  #apps = 0;

  constructor(
    readonly spec: Required<Omit<ClusterSpec, "logUri" | "releaseLabel">> & {
      logUri?: string;
      releaseLabel?: string;
    },
    private readonly deps: ClusterDeps,
    /** Where a finished step's logs go; default: EMR's steps/ and containers/ layout under LogUri. */
    private readonly pushLogs?: (step: EmulatedStep) => Promise<void>,
  ) {}

  add(config: StepConfigJson): EmulatedStep {
    const step: EmulatedStep = {
      id: stepId(),
      config,
      state: "PENDING",
      created: new Date(),
      stdout: "",
      stderr: "",
    };
    this.steps.push(step);
    queueMicrotask(() => this.#drain());
    return step;
  }

  active(): number {
    return this.steps.filter((s) => s.state === "PENDING" || s.state === "RUNNING").length;
  }

  cancel(step: EmulatedStep): { Status: "SUBMITTED" | "FAILED"; Reason?: string } {
    if (step.state === "PENDING") {
      this.#end(step, "CANCELLED", "Cancelled by user");
      return { Status: "SUBMITTED" };
    }
    if (step.state === "RUNNING" && !step.child) {
      // Still fetching its artifacts: #run sees the state and never starts the process.
      this.#end(step, "CANCELLED", "Cancelled by user");
      return { Status: "SUBMITTED" };
    }
    if (step.state === "RUNNING" && step.child?.pid) {
      step.reason = "Cancelled by user";
      step.state = "CANCELLED"; // decided now; the process exit below does not change it
      step.ended = new Date();
      try {
        process.kill(-step.child.pid, "SIGTERM"); // the whole group: spark-submit's JVM and its Python driver
      } catch {
        /* already gone */
      }
      return { Status: "SUBMITTED" };
    }
    return { Status: "FAILED", Reason: `Step is in state ${step.state} and cannot be cancelled.` };
  }

  /** Stops every running step (emulator shutdown). */
  killAll(): void {
    for (const s of this.steps) {
      if (s.state === "RUNNING" && s.child?.pid) {
        try {
          process.kill(-s.child.pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    }
  }

  #drain(): void {
    const running = this.steps.filter((s) => s.state === "RUNNING").length;
    const free = this.spec.stepConcurrencyLevel - running;
    for (const s of this.steps.filter((x) => x.state === "PENDING").slice(0, Math.max(0, free))) {
      s.state = "RUNNING";
      s.started = new Date();
      void this.#run(s).catch((e: unknown) => this.#end(s, "FAILED", `emulator: ${(e as Error).message}`));
    }
  }

  async #run(step: EmulatedStep): Promise<void> {
    const args = step.config.HadoopJarStep.Args ?? [];
    if (step.config.HadoopJarStep.Jar !== "command-runner.jar" || args[0] !== "spark-submit") {
      this.#end(step, "FAILED", "the emulator runs only command-runner.jar spark-submit steps");
      return;
    }
    const dir = join(this.deps.workDir, step.id);
    mkdirSync(dir, { recursive: true });
    const argv = await this.#localArgs(args.slice(1), dir);
    step.ran = argv;
    if ((step.state as State) === "CANCELLED") return;
    const appId = `application_${this.created.getTime()}_${String(++this.#apps).padStart(4, "0")}`;
    const child = spawn(this.deps.spark.sparkSubmit, argv, {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        PYSPARK_PYTHON: this.deps.spark.python,
        PYSPARK_DRIVER_PYTHON: this.deps.spark.python,
        ...this.deps.stepEnv,
      },
    });
    step.child = child;
    child.stdout!.on("data", (b: Buffer) => {
      step.stdout += b.toString();
    });
    child.stderr!.on("data", (b: Buffer) => {
      step.stderr += b.toString();
    });
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.on("error", (e) => {
        step.stderr += `\n${e.message}`;
        resolve({ code: 127, signal: null });
      });
      child.on("close", (c, s) => resolve({ code: c, signal: s }));
    });
    await (this.pushLogs ? this.pushLogs(step) : this.#pushLogs(step, appId)).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (step.state === "CANCELLED") return this.#drain();
    if (code === 0) this.#end(step, "COMPLETED");
    else
      this.#end(
        step,
        "FAILED",
        lastError(`${step.stdout}\n${step.stderr}`) ?? `spark-submit exited with ${code ?? signal}`,
      );
  }

  /** `--deploy-mode cluster` → `--master local[2]`; S3 URIs (also in comma lists) → local copies. */
  async #localArgs(args: string[], dir: string): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === "--deploy-mode") {
        i++;
        // The cluster's own driver defaults, as EMR keeps its in spark-defaults.conf (a step's
        // `spark.driver.extraJavaOptions` adds to them): here the local runner's for a short JVM,
        // so an emulated step costs this machine what a local one does, not 3× (C2 and G1).
        out.push(
          "--master",
          "local[2]",
          "--conf",
          `spark.driver.defaultJavaOptions=${jvmOptions(undefined)}`,
        );
        continue;
      }
      if (a === "--master") {
        i++;
        continue;
      }
      const parts = a.split(",");
      if (args[i - 1] === "--plan" && isS3Uri(a)) {
        // The plan names its .sql files relative to itself: copy the whole artifact set, as EMR
        // reads them from S3 beside the plan.
        const base = a.replace(/[^/]+\/[^/]+$/, "");
        await fetchS3(this.deps.s3, base, dir);
        out.push(join(dir, a.slice("s3://".length)));
      } else if (this.deps.s3a && isS3Uri(a) && a.endsWith("/")) {
        out.push(a);
      } else if (parts.every(isS3Uri)) {
        out.push((await Promise.all(parts.map((p) => fetchS3(this.deps.s3, p, dir)))).join(","));
      } else out.push(a);
    }
    return this.deps.s3a ? withS3a(out, this.deps.s3a) : out;
  }

  async #pushLogs(step: EmulatedStep, appId: string): Promise<void> {
    const base = this.spec.logUri;
    if (!base) return;
    const steps = `${base}${this.spec.id}/steps/${step.id}/`;
    const container = `${base}${this.spec.id}/containers/${appId}/container_${appId.slice(12)}_01_000001/`;
    step.logFile = `${steps}stderr.gz`;
    // In cluster mode the step's own log holds only the YARN client's lines; the driver's output
    // is in the application master's (first) container.
    const client = `INFO Client: Submitted application ${appId}\nINFO Client: Application report for ${appId} (state: FINISHED)\n`;
    await putLog(this.deps.s3, `${steps}stderr.gz`, client);
    await putLog(this.deps.s3, `${steps}stdout.gz`, "");
    await putLog(this.deps.s3, `${container}stdout.gz`, step.stdout);
    await putLog(this.deps.s3, `${container}stderr.gz`, step.stderr);
  }

  #end(step: EmulatedStep, state: State, reason?: string): void {
    step.state = state;
    step.ended = new Date();
    if (reason) step.reason = reason;
    this.#drain();
  }
}

function lastError(output: string): string | undefined {
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.filter((l) => /(Error|Exception)\b.*:/.test(l)).at(-1);
}

/** Adds the s3a settings before the primary resource and the s3a jars to `--jars`. */
function withS3a(argv: string[], s3a: { conf: Record<string, string>; jars: string[] }): string[] {
  const out = [...argv];
  const j = out.indexOf("--jars");
  if (j >= 0) out[j + 1] = [out[j + 1], ...s3a.jars].join(",");
  else out.unshift("--jars", s3a.jars.join(","));
  out.unshift(...Object.entries(s3a.conf).flatMap(([k, v]) => ["--conf", `${k}=${v}`]));
  return out;
}
