import type { IncomingMessage, ServerResponse } from "node:http";
import { type ClusterDeps, EmulatedCluster, type EmulatedStep } from "./cluster.ts";
import { putLog } from "./s3-files.ts";

export interface ApplicationSpec {
  /** Lower-case letters and digits, as EMR Serverless issues them (`00fabcdexample09`). */
  id: string;
  releaseLabel?: string;
  state?: string;
  type?: string;
  /** The scheduler configuration's maxConcurrentRuns: more job runs wait QUEUED. */
  maxConcurrentRuns?: number;
}

interface JobRunRecord {
  step: EmulatedStep;
  applicationId: string;
  executionRole: string;
  releaseLabel: string;
  request: Record<string, unknown>;
  logUri?: string;
}

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const PAGE = 50;

let seq = 0;
const jobRunId = (): string =>
  `00${(Date.now() * 100 + (seq++ % 100)).toString(36)}`.padEnd(16, "0").slice(0, 16).toLowerCase();

/**
 * EMR Serverless's REST protocol (restJson1: `POST /applications/{id}/jobruns`, `GET …/jobruns/{run}`,
 * `DELETE …/jobruns/{run}`, `GET …/jobruns?states=…`, `GET /applications/{id}`) over the same
 * engine as the EMR emulator: a job run becomes a `spark-submit` of its entry point with its
 * `sparkSubmitParameters`, run for real, at most maxConcurrentRuns at once. Logs go to the S3
 * monitoring logUri in EMR Serverless's layout (`applications/{app}/jobs/{run}/SPARK_DRIVER/`).
 * moto's emrserverless backend is not used: its job runs never run.
 */
export class ServerlessEndpoint {
  readonly #apps = new Map<
    string,
    { spec: Required<ApplicationSpec>; engine: EmulatedCluster; created: Date }
  >();
  readonly #runs = new Map<string, JobRunRecord>();

  constructor(
    specs: ApplicationSpec[],
    private readonly deps: ClusterDeps,
    private readonly requests: { target: string; body: Record<string, unknown> }[],
  ) {
    for (const a of specs) {
      const spec: Required<ApplicationSpec> = {
        id: a.id,
        releaseLabel: a.releaseLabel ?? "emr-7.13.0",
        state: a.state ?? "CREATED",
        type: a.type ?? "Spark",
        maxConcurrentRuns: a.maxConcurrentRuns ?? 15,
      };
      const engine = new EmulatedCluster(
        { id: a.id, name: a.id, state: "WAITING", stepConcurrencyLevel: spec.maxConcurrentRuns },
        deps,
        (step) => this.#pushLogs(step),
      );
      this.#apps.set(a.id, { spec, engine, created: new Date() });
    }
  }

  /** The engine running an application's job runs (tests inspect `steps[].ran`). */
  application(id: string): EmulatedCluster {
    return this.#app(id).engine;
  }

  stopAll(): void {
    for (const a of this.#apps.values()) a.engine.killAll();
  }

  /** Handles the request if it is an EMR Serverless one; false lets the caller forward it. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? "/", "http://emulator");
    const m = /^\/applications\/([^/]+)(?:\/(jobruns)(?:\/([^/]+))?)?\/?$/.exec(url.pathname);
    if (!m || req.headers["x-amz-target"]) return false;
    const [, appId, jobruns, runId] = m.map((x) => (x === undefined ? undefined : decodeURIComponent(x)));
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>;
        const method = req.method ?? "GET";
        let out: unknown;
        if (!jobruns && method === "GET") out = this.#getApplication(appId!);
        else if (jobruns && !runId && method === "POST") out = this.#start(appId!, body);
        else if (jobruns && !runId && method === "GET") out = this.#list(appId!, url.searchParams);
        else if (jobruns && runId && method === "GET")
          out = { jobRun: this.#describe(this.#run(appId!, runId)) };
        else if (jobruns && runId && method === "DELETE") out = this.#cancel(appId!, runId);
        else
          throw new RestError(
            400,
            "ValidationException",
            `The emulator does not implement ${method} ${url.pathname}.`,
          );
        const action =
          {
            GET: runId ? "GetJobRun" : jobruns ? "ListJobRuns" : "GetApplication",
            POST: "StartJobRun",
            DELETE: "CancelJobRun",
          }[method] ?? method;
        this.requests.push({
          target: action,
          body: { ...body, applicationId: appId, ...(runId ? { jobRunId: runId } : {}) },
        });
        send(res, 200, out);
      } catch (e) {
        const err =
          e instanceof RestError ? e : new RestError(500, "InternalServerException", (e as Error).message);
        send(res, err.status, { message: err.message }, err.type);
      }
    });
    return true;
  }

  #app(id: string) {
    const a = this.#apps.get(id);
    if (!a) throw new RestError(404, "ResourceNotFoundException", `Application ${id} does not exist`);
    return a;
  }

  #run(appId: string, id: string): JobRunRecord {
    this.#app(appId);
    const r = this.#runs.get(id);
    if (!r || r.applicationId !== appId) {
      throw new RestError(
        404,
        "ResourceNotFoundException",
        `Job run ${id} does not exist for application ${appId}`,
      );
    }
    return r;
  }

  #getApplication(id: string) {
    const { spec, created } = this.#app(id);
    return {
      application: {
        applicationId: spec.id,
        name: spec.id,
        arn: `arn:aws:emr-serverless:us-east-1:123456789012:/applications/${spec.id}`,
        releaseLabel: spec.releaseLabel,
        type: spec.type,
        state: spec.state,
        createdAt: secs(created),
        updatedAt: secs(created),
        autoStartConfiguration: { enabled: true },
        autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 15 },
        schedulerConfiguration: { maxConcurrentRuns: spec.maxConcurrentRuns, queueTimeoutMinutes: 360 },
      },
    };
  }

  #start(appId: string, b: Record<string, unknown>) {
    const { spec, engine } = this.#app(appId);
    if (spec.state === "TERMINATED") {
      throw new RestError(400, "ValidationException", `Application ${appId} is in TERMINATED state`);
    }
    const role = String(b.executionRoleArn ?? "");
    if (!ROLE_ARN.test(role)) throw new RestError(400, "ValidationException", "Invalid executionRoleArn");
    const driver = (b.jobDriver as { sparkSubmit?: Record<string, unknown> } | undefined)?.sparkSubmit;
    if (!driver)
      throw new RestError(400, "ValidationException", "The emulator runs only sparkSubmit job drivers");
    const entryPoint = String(driver.entryPoint ?? "");
    const args = (driver.entryPointArguments ?? []) as string[];
    const params = String(driver.sparkSubmitParameters ?? "");
    if (entryPoint.length < 1 || entryPoint.length > 4096)
      throw new RestError(400, "ValidationException", "entryPoint must be 1 to 4096 characters");
    if (args.length > 1024)
      throw new RestError(400, "ValidationException", "entryPointArguments must have at most 1024 items");
    if (params.length > 102_400)
      throw new RestError(
        400,
        "ValidationException",
        "sparkSubmitParameters must be at most 102400 characters",
      );
    const token = typeof b.clientToken === "string" ? b.clientToken : undefined;
    const same = token
      ? [...this.#runs.entries()].find(([, r]) => r.request.clientToken === token)
      : undefined;
    if (same) return { applicationId: appId, jobRunId: same[0], arn: arn(appId, same[0]) };
    // `--deploy-mode cluster` tells the engine to run it `--master local[2]` as it does EMR steps.
    const argv = [
      "spark-submit",
      "--deploy-mode",
      "cluster",
      ...params.split(/\s+/).filter(Boolean),
      entryPoint,
      ...args,
    ];
    const step = engine.add({
      Name: String(b.name ?? "job run"),
      HadoopJarStep: { Jar: "command-runner.jar", Args: argv },
    });
    const id = jobRunId();
    const logUri = (
      b.configurationOverrides as {
        monitoringConfiguration?: { s3MonitoringConfiguration?: { logUri?: string } };
      }
    )?.monitoringConfiguration?.s3MonitoringConfiguration?.logUri;
    this.#runs.set(id, {
      step,
      applicationId: appId,
      executionRole: role,
      releaseLabel: spec.releaseLabel,
      request: b,
      ...(logUri ? { logUri } : {}),
    });
    return { applicationId: appId, jobRunId: id, arn: arn(appId, id) };
  }

  #list(appId: string, q: URLSearchParams) {
    this.#app(appId);
    const states = q.getAll("states");
    const all = [...this.#runs.entries()]
      .filter(([, r]) => r.applicationId === appId)
      .reverse()
      .map(([id, r]) => ({ ...this.#describe(r), id }))
      .filter((r) => states.length === 0 || states.includes(r.state));
    const from = Number(q.get("nextToken") ?? 0);
    const size = Number(q.get("maxResults") ?? PAGE);
    return {
      jobRuns: all
        .slice(from, from + size)
        .map(({ jobDriver: _d, configurationOverrides: _c, jobRunId: _j, ...s }) => s),
      ...(from + size < all.length ? { nextToken: String(from + size) } : {}),
    };
  }

  #cancel(appId: string, id: string) {
    const r = this.#run(appId, id);
    const out = this.#app(appId).engine.cancel(r.step);
    if (out.Status === "FAILED") {
      throw new RestError(
        400,
        "ValidationException",
        `Job run ${id} is in ${serverlessState(r.step)} state and cannot be cancelled`,
      );
    }
    return { applicationId: appId, jobRunId: id };
  }

  #describe(r: JobRunRecord) {
    const s = r.step;
    const id = [...this.#runs.entries()].find(([, x]) => x === r)![0];
    const state = serverlessState(s);
    const details =
      state === "FAILED"
        ? `Job failed, please check complete logs in configured logging destination. ExitCode: 1. Last few exceptions: ${s.reason ?? ""}`
        : state === "CANCELLED"
          ? "Job run was cancelled by the user"
          : "";
    return {
      applicationId: r.applicationId,
      jobRunId: id,
      arn: arn(r.applicationId, id),
      name: s.config.Name,
      createdBy: "arn:aws:iam::123456789012:user/emulator",
      createdAt: secs(s.created),
      updatedAt: secs(s.ended ?? s.started ?? s.created),
      executionRole: r.executionRole,
      state,
      stateDetails: details,
      releaseLabel: r.releaseLabel,
      jobDriver: r.request.jobDriver,
      ...(r.request.configurationOverrides
        ? { configurationOverrides: r.request.configurationOverrides }
        : {}),
      ...(s.started ? { startedAt: secs(s.started) } : {}),
      ...(s.ended ? { endedAt: secs(s.ended) } : {}),
      mode: "BATCH",
    };
  }

  async #pushLogs(step: EmulatedStep): Promise<void> {
    const entry = [...this.#runs.entries()].find(([, r]) => r.step === step);
    if (!entry?.[1].logUri) return;
    const [id, r] = entry;
    const base = `${r.logUri!.replace(/\/?$/, "/")}applications/${r.applicationId}/jobs/${id}/SPARK_DRIVER/`;
    await putLog(this.deps.s3, `${base}stdout.gz`, step.stdout);
    await putLog(this.deps.s3, `${base}stderr.gz`, step.stderr);
  }
}

const arn = (app: string, id: string): string =>
  `arn:aws:emr-serverless:us-east-1:123456789012:/applications/${app}/jobruns/${id}`;

const secs = (d: Date): number => d.getTime() / 1000;

function serverlessState(s: EmulatedStep): string {
  switch (s.state) {
    case "PENDING":
      return "SCHEDULED";
    case "COMPLETED":
      return "SUCCESS";
    case "INTERRUPTED":
      return "FAILED";
    default:
      return s.state;
  }
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, {
    "content-type": "application/json",
    "x-amzn-requestid": `emu-${Date.now()}`,
    ...(errorType ? { "x-amzn-errortype": errorType } : {}),
  });
  res.end(JSON.stringify(body));
}
