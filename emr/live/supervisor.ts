import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { log } from "../../runtime/log/index.ts";
import {
  archiveRequest,
  classArchive,
  type SparkInstall,
  sparkSubmitArgs,
} from "../../runtime/spark/index.ts";
import { DEFAULT_PLAN } from "../runners/local.ts";
import { failureReason } from "../runners/step-args.ts";

/** The live application's entry (sparkgen/README.md, "Live mode"). */
export const LIVE_SCRIPT = fileURLToPath(new URL("../../sparkgen/runtime/live_step.py", import.meta.url));

export interface LiveAppOptions {
  /** The raw event tree: a directory or file://, s3://, s3a:// URI. */
  readonly input: string;
  /** Structured Streaming checkpoint directory of the application (files seen). */
  readonly checkpoint: string;
  /** `jdbc:postgresql://host:port/db`, without credentials. */
  readonly jdbcUrl: string;
  readonly windowMinutes: number;
  readonly latenessMinutes: number;
  /** Trigger interval in seconds. */
  readonly refreshSeconds: number;
  readonly plan?: string | undefined;
  /** On EMR and EMR Serverless: the Secrets Manager id the application reads the credentials from. */
  readonly jdbcSecret?: string | undefined;
}

/** The live application's arguments after its script. */
export function liveAppArgs(o: LiveAppOptions): string[] {
  return [
    "--plan",
    o.plan ?? DEFAULT_PLAN,
    "--input",
    o.input,
    "--checkpoint",
    o.checkpoint,
    "--jdbc-url",
    o.jdbcUrl,
    "--window-minutes",
    String(o.windowMinutes),
    "--lateness-minutes",
    String(o.latenessMinutes),
    "--refresh",
    `${o.refreshSeconds}s`,
    ...(o.jdbcSecret ? ["--jdbc-secret", o.jdbcSecret] : []),
  ];
}

/** Restart policy of a supervised live application. */
export interface RestartOptions {
  /** Stops the application and the supervisor. */
  readonly signal: AbortSignal;
  /** First restart delay; doubles per quick death up to `maxDelayMs`. Default 5 s. */
  readonly firstDelayMs?: number | undefined;
  readonly maxDelayMs?: number | undefined;
}

export interface LiveSupervisorOptions extends LocalLiveOptions, RestartOptions {}

export interface LocalLiveOptions extends LiveAppOptions {
  readonly spark: SparkInstall;
  readonly master?: string | undefined;
  /** Database credentials: passed as TRENDS_JDBC_USER/PASSWORD in the application's environment only. */
  readonly jdbcUser?: string | undefined;
  readonly jdbcPassword?: string | undefined;
  /** Each line the application writes (stdout and stderr). */
  readonly onLine?: ((line: string) => void) | undefined;
  /** Each start of the application (tests kill it by its process group). */
  readonly onStart?: ((child: ChildProcess) => void) | undefined;
}

/** How a run of the live application ended. */
export interface LiveEnd {
  readonly code?: number | null;
  readonly signal?: NodeJS.Signals | null;
  /** EMR step or job run state. */
  readonly state?: string;
  readonly reason?: string | undefined;
}

/**
 * One run of the live application, wherever it runs: a local process group, an EMR step, an EMR
 * Serverless job run. `run` resolves when it ends, on its own or stopped by `signal`.
 */
export type LiveRun = (signal: AbortSignal) => Promise<LiveEnd>;

/** An application that lived this long was healthy: the next death restarts from the first delay. */
const HEALTHY_MS = 5 * 60_000;

/**
 * The delay before restart `n` (0-based count of quick deaths in a row): exponential from `first`,
 * capped, with full jitter on its upper half so restarts of several schedulers do not align.
 */
export function restartDelayMs(n: number, first: number, max: number, random = Math.random): number {
  const base = Math.min(max, first * 2 ** Math.min(n, 20));
  return Math.round(base / 2 + (base / 2) * random());
}

/**
 * Keeps the live application up until the signal aborts, restarted with backoff and jitter
 * whenever it dies. Finals do not depend on it: the scheduler runs beside it (`trends schedule
 * --live`), so windows keep becoming final while it is down.
 */
export async function superviseLive(run: LiveRun, o: RestartOptions): Promise<void> {
  const first = o.firstDelayMs ?? 5_000;
  const max = o.maxDelayMs ?? 5 * 60_000;
  let quickDeaths = 0;
  while (!o.signal.aborted) {
    const started = Date.now();
    let end: LiveEnd;
    try {
      end = await run(o.signal);
    } catch (e) {
      // A start refused by the service (throttled, quota) is a death like any other.
      end = { reason: (e as Error).message };
    }
    if (o.signal.aborted) break;
    quickDeaths = Date.now() - started > HEALTHY_MS ? 0 : quickDeaths + 1;
    const delay = restartDelayMs(quickDeaths - 1, first, max);
    log().warn({ ...end, restartInMs: delay }, "the live application stopped; restarting it");
    try {
      await sleep(delay, undefined, { signal: o.signal });
    } catch {
      break;
    }
  }
}

/** The live application as a local spark-submit in its own process group, supervised. */
export function runLive(o: LiveSupervisorOptions): Promise<void> {
  return superviseLive(localLiveRun(o), o);
}

/** One run of the live application as a local spark-submit in its own process group. */
export const localLiveRun =
  (o: LocalLiveOptions): LiveRun =>
  (signal) =>
    runOnce(o, signal);

/** Lines of output kept for the reason of a death (its last ERROR line or exception). */
const TAIL_LINES = 200;

function runOnce(o: LocalLiveOptions, signal: AbortSignal): Promise<LiveEnd> {
  const tail: string[] = [];
  const env = {
    ...process.env,
    PYSPARK_PYTHON: o.spark.python,
    PYSPARK_DRIVER_PYTHON: o.spark.python,
    ...(o.jdbcUser !== undefined ? { TRENDS_JDBC_USER: o.jdbcUser } : {}),
    ...(o.jdbcPassword !== undefined ? { TRENDS_JDBC_PASSWORD: o.jdbcPassword } : {}),
  };
  const args = sparkSubmitArgs({
    script: LIVE_SCRIPT,
    args: liveAppArgs(o),
    master: o.master ?? "local[2]",
    jdbcJar: o.spark.jdbcJar,
    // It uses the steps' archive but never makes one: it is stopped, not finished, and a dump at
    // exit would only slow its stop (cds.ts).
    archiveOptions: classArchive(archiveRequest({ spark: o.spark, env }, false)).options,
  });
  const child = spawn(o.spark.sparkSubmit, args, {
    // Its own process group: a stop reaches spark-submit, the JVM and the Python workers together.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  o.onStart?.(child);
  log().info({ pid: child.pid }, "live application started");
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = "";
    stream.on("data", (b: Buffer) => {
      const lines = (partial + b.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        o.onLine?.(line);
      }
    });
  }
  const stop = () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  signal.addEventListener("abort", stop, { once: true });
  return new Promise((resolve) => {
    child.on("error", (e) => {
      log().error({ err: e.message }, "could not start the live application");
      resolve({ code: null, signal: null });
    });
    child.on("close", (code, killedBy) => {
      signal.removeEventListener("abort", stop);
      resolve({ code, signal: killedBy, reason: failureReason(tail.join("\n"), code, killedBy) });
    });
  });
}
