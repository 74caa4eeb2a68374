import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SparkInstall } from "../../../runtime/spark/index.ts";
import { type ClusterSpec, EmulatedCluster, type EmulatedStep, type StepConfigJson } from "./cluster.ts";
import { type ApplicationSpec, ServerlessEndpoint } from "./serverless.ts";

export interface EmrEmulatorOptions {
  spark: SparkInstall;
  /** S3 client on moto: artifacts and inputs are fetched from it, logs pushed to it. */
  s3: S3Client;
  /** Every non-EMR request is forwarded here (moto), so one endpoint serves S3 and EMR like AWS. */
  upstream: string;
  clusters: ClusterSpec[];
  /** EMR Serverless applications served on the same endpoint (REST paths under /applications). */
  applications?: ApplicationSpec[];
  stepEnv?: NodeJS.ProcessEnv;
  /** Read input prefixes through s3a (see ClusterDeps.s3a) instead of copying them. */
  s3a?: { conf: Record<string, string>; jars: string[] };
}

export interface EmrEmulator {
  endpoint: string;
  cluster(id: string): EmulatedCluster;
  /** The engine of an EMR Serverless application: its job runs are `steps`. */
  application(id: string): EmulatedCluster;
  /** Every EMR and EMR Serverless request body received (target = the action), for assertions. */
  readonly requests: { target: string; body: Record<string, unknown> }[];
  stop(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly type: "InvalidRequestException" | "ValidationException",
    message: string,
  ) {
    super(message);
  }
}

const MAX_ACTIVE = 256;
const MAX_ARG_CHARS = 10_240;
const PAGE = 50;

/**
 * A small EMR endpoint speaking AWS JSON 1.1 (`X-Amz-Target: ElasticMapReduce.<Action>`), in which
 * submitted steps really run, and EMR Serverless's REST protocol for job runs (serverless.ts). moto records EMR steps but never finishes them and has no
 * CancelSteps, hence this emulator.
 */
export async function startEmrEmulator(o: EmrEmulatorOptions): Promise<EmrEmulator> {
  const workDir = mkdtempSync(join(tmpdir(), "trends-emr-emu-"));
  const clusters = new Map<string, EmulatedCluster>();
  const deps = { spark: o.spark, s3: o.s3, workDir, stepEnv: o.stepEnv ?? {}, s3a: o.s3a };
  for (const c of o.clusters) {
    clusters.set(
      c.id,
      new EmulatedCluster(
        {
          id: c.id,
          name: c.name ?? "trends",
          state: c.state ?? "WAITING",
          stepConcurrencyLevel: c.stepConcurrencyLevel ?? 1,
          ...(c.releaseLabel ? { releaseLabel: c.releaseLabel } : {}),
          ...(c.logUri ? { logUri: c.logUri } : {}),
        },
        deps,
      ),
    );
  }
  const requests: EmrEmulator["requests"] = [];
  const serverless = new ServerlessEndpoint(o.applications ?? [], deps, requests);

  const clusterOf = (id: unknown, type: ApiError["type"] = "InvalidRequestException"): EmulatedCluster => {
    const c = typeof id === "string" ? clusters.get(id) : undefined;
    if (!c) throw new ApiError(type, `Cluster id '${String(id)}' is not valid.`);
    return c;
  };
  const stepOf = (c: EmulatedCluster, id: unknown): EmulatedStep => {
    const s = c.steps.find((x) => x.id === id);
    if (!s) throw new ApiError("InvalidRequestException", `Step id '${String(id)}' is not valid.`);
    return s;
  };

  const actions: Record<string, (b: Record<string, unknown>) => unknown> = {
    DescribeCluster: (b) => {
      const c = clusterOf(b.ClusterId);
      return {
        Cluster: {
          Id: c.spec.id,
          Name: c.spec.name,
          Status: { State: c.spec.state, Timeline: { CreationDateTime: secs(c.created) } },
          StepConcurrencyLevel: c.spec.stepConcurrencyLevel,
          ReleaseLabel: c.spec.releaseLabel ?? "emr-7.13.0",
          Applications: [
            { Name: "Spark", Version: c.spec.releaseLabel?.startsWith("emr-spark-8") ? "4.0.2" : "3.5.6" },
          ],
          ...(c.spec.logUri ? { LogUri: c.spec.logUri.replace(/^s3:/, "s3n:") } : {}),
        },
      };
    },
    AddJobFlowSteps: (b) => {
      const c = clusterOf(b.JobFlowId, "ValidationException");
      if (/^TERMINAT/.test(c.spec.state)) {
        throw new ApiError(
          "ValidationException",
          "A job flow that is shutting down, terminated, or finished may not be modified.",
        );
      }
      const steps = (b.Steps ?? []) as StepConfigJson[];
      if (c.active() + steps.length > MAX_ACTIVE) {
        throw new ApiError(
          "ValidationException",
          "Maximum number of active steps(State = 'Running', 'Pending' or 'Cancel_Pending') for cluster exceeded.",
        );
      }
      for (const s of steps) {
        const chars = (s.HadoopJarStep?.Args ?? []).reduce((n, a) => n + a.length, 0);
        if (chars > MAX_ARG_CHARS)
          throw new ApiError("ValidationException", "The step arguments exceed 10240 characters.");
        if (c.spec.stepConcurrencyLevel > 1 && (s.ActionOnFailure ?? "TERMINATE_CLUSTER") !== "CONTINUE") {
          throw new ApiError(
            "ValidationException",
            "ActionOnFailure must be CONTINUE when StepConcurrencyLevel > 1.",
          );
        }
      }
      return { StepIds: steps.map((s) => c.add(s).id) };
    },
    DescribeStep: (b) => {
      const c = clusterOf(b.ClusterId);
      return { Step: describe(stepOf(c, b.StepId)) };
    },
    ListSteps: (b) => {
      const c = clusterOf(b.ClusterId);
      const states = b.StepStates as string[] | undefined;
      const ids = b.StepIds as string[] | undefined;
      const all = [...c.steps]
        .reverse()
        .filter((s) => (!states || states.includes(s.state)) && (!ids || ids.includes(s.id)));
      const from = Number(b.Marker ?? 0);
      const page = all.slice(from, from + PAGE);
      return {
        Steps: page.map(describe),
        ...(from + PAGE < all.length ? { Marker: String(from + PAGE) } : {}),
      };
    },
    CancelSteps: (b) => {
      const c = clusterOf(b.ClusterId);
      return {
        CancelStepsInfoList: ((b.StepIds ?? []) as string[]).map((id) => {
          const s = c.steps.find((x) => x.id === id);
          return s
            ? { StepId: id, ...c.cancel(s) }
            : { StepId: id, Status: "FAILED", Reason: `Step id '${id}' is not valid.` };
        }),
      };
    },
  };

  const server = createServer((req, res) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    if (serverless.handle(req, res)) return;
    if (!target.startsWith("ElasticMapReduce.")) return forward(o.upstream, req, res);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const action = target.slice("ElasticMapReduce.".length);
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>;
        requests.push({ target: action, body });
        const fn = actions[action];
        if (!fn) throw new ApiError("InvalidRequestException", `The emulator does not implement ${action}.`);
        send(res, 200, fn(body));
      } catch (e) {
        const type = e instanceof ApiError ? e.type : "InternalServerError";
        send(res, e instanceof ApiError ? 400 : 500, { __type: type, Message: (e as Error).message }, type);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    cluster: (id) => clusterOf(id),
    application: (id) => serverless.application(id),
    stop: async () => {
      for (const c of clusters.values()) c.killAll();
      serverless.stopAll();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

const secs = (d: Date): number => d.getTime() / 1000;

function describe(s: EmulatedStep) {
  return {
    Id: s.id,
    Name: s.config.Name,
    Config: { Jar: s.config.HadoopJarStep.Jar, Args: s.config.HadoopJarStep.Args ?? [], Properties: {} },
    ActionOnFailure: s.config.ActionOnFailure ?? "TERMINATE_CLUSTER",
    Status: {
      State: s.state,
      ...(s.reason && s.state === "CANCELLED" ? { StateChangeReason: { Message: s.reason } } : {}),
      ...(s.state === "FAILED"
        ? {
            FailureDetails: {
              Reason: "Unknown Error.",
              Message: s.reason,
              ...(s.logFile ? { LogFile: s.logFile } : {}),
            },
          }
        : {}),
      Timeline: {
        CreationDateTime: secs(s.created),
        ...(s.started ? { StartDateTime: secs(s.started) } : {}),
        ...(s.ended ? { EndDateTime: secs(s.ended) } : {}),
      },
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    "x-amzn-requestid": `emu-${Date.now()}`,
    ...(errorType ? { "x-amzn-errortype": errorType } : {}),
  });
  res.end(JSON.stringify(body));
}

/** Passes a request through to moto unchanged (moto does not check SigV4 signatures). */
function forward(upstream: string, req: IncomingMessage, res: ServerResponse): void {
  const u = new URL(upstream);
  const out = request(
    {
      host: u.hostname,
      port: u.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: u.host },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  out.on("error", (e) => {
    res.writeHead(502);
    res.end(e.message);
  });
  req.pipe(out);
}
