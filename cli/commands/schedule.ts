import { join } from "node:path";
import type { CommandModule } from "yargs";
import {
  type AttemptOutcome,
  attemptLine,
  type BackfillSummary,
  DEFAULT_RANGE_WINDOWS,
  jdbcFromDatabaseUrl,
  openPipeline,
  outcomeJson,
  type Pipeline,
  runBackfill,
  runScheduler,
  schedulerTick,
  skippedLine,
  stopOnSignals,
  type TickSummary,
} from "../../emr/index.ts";
import {
  emrLiveRun,
  type LiveRun,
  localLiveRun,
  serverlessLiveRun,
  superviseLive,
} from "../../emr/live/index.ts";
import { EmrStepRunner } from "../../emr/runners/emr.ts";
import { EmrServerlessStepRunner } from "../../emr/runners/emr-serverless.ts";
import { ExitCode, usageError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { ensureSpark } from "../../runtime/spark/index.ts";
import { parseDuration, parseTime } from "../../runtime/windows/index.ts";
import { committedManifest, readsOf } from "../../sparkgen/changes/index.ts";
import { settingsFrom } from "../context.ts";
import { numberOption } from "../flags.ts";
import { printLines } from "../output.ts";

const EVERY = "15m";

interface ScheduleArgs {
  runner: string;
  every?: string;
  once: boolean;
  "max-attempts": number;
  "range-windows": number;
  "retry-delay": string;
  recheck: string;
  input?: string;
  from?: string;
  master?: string;
  cluster?: string;
  bucket?: string;
  "jdbc-secret"?: string;
  application?: string;
  "execution-role"?: string;
  "log-uri"?: string;
  backfill: boolean;
  metrics?: string;
  json: boolean;
  live: boolean;
  refresh?: string;
  checkpoint?: string;
}

/** Live mode's refresh bounds: a trigger under a second only lists the tree again and again. */
const REFRESH = "1m";
const MAX_REFRESH_MS = 3_600_000;

export const schedule: CommandModule<object, ScheduleArgs> = {
  command: "schedule",
  describe:
    "run every due window (closed + lateness passed) once, retrying, catching up and reprocessing late data",
  builder: (y) =>
    y
      .option("runner", {
        choices: ["local", "emr", "emr-serverless"],
        default: "local",
        describe: "where the steps run",
      })
      // No yargs default: --backfill must see whether --every was given.
      .option("every", { type: "string", describe: `tick period, aligned to the clock (default ${EVERY})` })
      .option("once", {
        type: "boolean",
        default: false,
        describe: "one tick, then exit (cron, EventBridge)",
      })
      .option("range-windows", {
        type: "number",
        default: DEFAULT_RANGE_WINDOWS,
        describe:
          "at most this many consecutive windows per step (one Spark application); 1 = a step per window",
      })
      .option("max-attempts", {
        ...numberOption("--max-attempts", { min: 1, max: 100 }),
        default: 3,
        describe: "failed attempts before a window is left failed",
      })
      .option("retry-delay", {
        type: "string",
        default: "30s",
        describe: "first retry delay; doubles per failure",
      })
      .option("recheck", {
        type: "string",
        default: "2h",
        describe: "re-list inputs this far back for late data",
      })
      .option("input", { type: "string", describe: "raw event tree (default s3://<bucket>/<rawPrefix>)" })
      .option("from", {
        type: "string",
        describe: "first window to consider (default: resume from the run records)",
      })
      .option("master", { type: "string", describe: "Spark master of the local runner (default local[*])" })
      .option("cluster", {
        type: "string",
        describe: "--runner emr: cluster id j-… (default TRENDS_EMR_CLUSTER)",
      })
      .option("bucket", {
        type: "string",
        describe: "--runner emr|emr-serverless: artifacts bucket (default TRENDS_BUCKET)",
      })
      .option("jdbc-secret", {
        type: "string",
        describe:
          "--runner emr|emr-serverless: Secrets Manager id of the DB credentials (default TRENDS_JDBC_SECRET)",
      })
      .option("application", {
        type: "string",
        describe: "--runner emr-serverless: application id (default TRENDS_SERVERLESS_APPLICATION)",
      })
      .option("execution-role", {
        type: "string",
        describe: "--runner emr-serverless: job role ARN (default TRENDS_SERVERLESS_EXECUTION_ROLE)",
      })
      .option("log-uri", {
        type: "string",
        describe:
          "--runner emr-serverless: s3:// prefix of the job logs (default s3://BUCKET/logs/serverless/)",
      })
      .option("backfill", {
        type: "boolean",
        default: false,
        describe:
          "once: recompute the windows whose last run used another SQL (the list `trends sparkgen plan` prints), oldest first, then exit",
      })
      .option("metrics", {
        type: "string",
        describe: "--backfill: only windows stale for these metrics (comma-separated; default every metric)",
      })
      .option("json", {
        type: "boolean",
        default: false,
        describe: "--once/--backfill: print the summary as JSON",
      })
      .option("live", {
        type: "boolean",
        default: false,
        describe:
          "also keep one live Spark application up: the open windows' provisional rows and alerts, refreshed (locally; on EMR one long-running step, which needs StepConcurrencyLevel ≥ 2; on EMR Serverless one long job run)",
      })
      .option("refresh", { type: "string", describe: `--live: refresh period (default ${REFRESH})` })
      .option("checkpoint", {
        type: "string",
        describe:
          "--live: the live application's checkpoint directory (default <cacheDir>/live/checkpoint; on EMR and EMR Serverless s3://BUCKET/live/checkpoint/)",
      })
      .example("$0 schedule --runner local --input ./raw --once", "process what is due now, then exit")
      .example(
        "$0 schedule --input ./raw --live --refresh 1m",
        "finals every 15 minutes, the open windows every minute",
      )
      .example(
        "$0 schedule --input ./raw --backfill --metrics influencer_window",
        "after a breaking metric change: recompute the windows `trends sparkgen plan` listed",
      )
      .example(
        "$0 schedule --runner emr-serverless --application 00fabcdexample09 --execution-role arn:aws:iam::123456789012:role/trends-job --bucket my-trends --jdbc-secret trends/jdbc",
        "every 15 minutes on EMR Serverless",
      ),
  handler: async (argv) => {
    const s = settingsFrom(argv);
    if (argv.backfill)
      for (const flag of ["from", "every"] as const)
        if (argv[flag] !== undefined)
          throw usageError(
            `--${flag} does not go with --backfill, which runs once over the stale windows it finds`,
            `drop --${flag}, or drop --backfill to schedule windows`,
          );
    const every = argv.every ?? EVERY;
    const everyMs = parseDuration(every, "--every");
    const retryDelayMs = parseDuration(argv["retry-delay"], "--retry-delay");
    const recheckMs = parseDuration(argv.recheck, "--recheck");
    const from = argv.from === undefined ? undefined : parseTime(argv.from, "--from");
    const metrics = argv.metrics === undefined ? undefined : parseMetrics(argv.metrics);
    if (metrics && !argv.backfill)
      throw usageError("--metrics goes with --backfill", "add --backfill or drop --metrics");
    const refreshMs = checkLive(argv);
    const reads = argv.backfill ? readsOf(committedManifest()) : undefined;
    const stop = stopOnSignals();
    const p = await openPipeline(s, {
      runner: argv.runner === "emr" || argv.runner === "emr-serverless" ? argv.runner : "local",
      input: argv.input,
      maxAttempts: Math.max(1, argv["max-attempts"]),
      rangeWindows: Math.max(1, Math.floor(argv["range-windows"])),
      retryDelayMs,
      signal: stop.signal,
      master: argv.master,
      cluster: argv.cluster,
      bucket: argv.bucket,
      jdbcSecret: argv["jdbc-secret"],
      application: argv.application,
      executionRole: argv["execution-role"],
      logUri: argv["log-uri"],
    });
    const liveStop = new AbortController();
    let live: Promise<void> | undefined;
    try {
      if (reads) {
        const print = !argv.json;
        const deps = { ...p.deps, onAttempt: (a: AttemptOutcome) => print && printLines(attemptLine(a)) };
        const b = await runBackfill(deps, { metrics, reads });
        if (argv.json) process.stdout.write(`${JSON.stringify(backfillJson(b), null, 2)}\n`);
        else printLines(backfillLine(b));
        const failed = b.outcomes.filter((o) => o.status !== "succeeded").length;
        process.exitCode = stop.signal.aborted
          ? ExitCode.Interrupted
          : failed > 0
            ? ExitCode.Failure
            : ExitCode.Ok;
        return;
      }
      const print = !(argv.once && argv.json);
      const o = {
        ...p.deps,
        from,
        recheckMs,
        onAttempt: (a: AttemptOutcome) => {
          if (print) printLines(attemptLine(a));
        },
      };
      // Live mode's settings are checked (a cluster that runs one step at a time, say) before
      // anything runs; then it runs beside the ticks, never in their way: finals keep coming while
      // it restarts.
      const liveRun = refreshMs === undefined ? undefined : await prepareLive(s, p, argv, refreshMs);
      log().info({ runner: p.deps.runner.kind, every, owner: p.deps.owner }, "scheduler started");
      if (liveRun) {
        stop.signal.addEventListener("abort", () => liveStop.abort(), { once: true });
        live = superviseLive(liveRun, { signal: liveStop.signal }).catch((e: unknown) => {
          log().error({ err: (e as Error).message }, "live mode stopped; the finals go on without it");
        });
      }
      const ticks: TickSummary[] = argv.once
        ? [await schedulerTick(o)]
        : await runScheduler(o, everyMs, summarise);
      const last = ticks.at(-1);
      if (argv.once && last) {
        if (argv.json) process.stdout.write(`${JSON.stringify(tickJson(last), null, 2)}\n`);
        else summarise(last);
      }
      const failed = ticks.some((t) => t.failed.length > 0);
      process.exitCode = stop.signal.aborted
        ? ExitCode.Interrupted
        : argv.once && failed
          ? ExitCode.Failure
          : ExitCode.Ok;
    } catch (e) {
      // After Ctrl-C or SIGTERM, what was in flight (a query, a step) may fail on its way out: that
      // is the stop, not an error to report.
      if (!stop.signal.aborted) throw e;
      log().debug({ err: (e as Error).message }, "in flight when stopped");
      process.exitCode = ExitCode.Interrupted;
    } finally {
      liveStop.abort();
      await live;
      stop.dispose();
      await p.close();
    }
    if (stop.signal.aborted) process.stderr.write(`schedule: ${(stop.signal.reason as Error).message}\n`);
  },
};

/** `--live`'s refresh in ms, or undefined without --live; its flags checked before anything starts. */
function checkLive(argv: ScheduleArgs): number | undefined {
  if (!argv.live) {
    for (const flag of ["refresh", "checkpoint"] as const)
      if (argv[flag] !== undefined)
        throw usageError(`--${flag} goes with --live`, `add --live or drop --${flag}`);
    return undefined;
  }
  for (const flag of ["once", "backfill"] as const)
    if (argv[flag])
      throw usageError(`--live does not go with --${flag}`, "live mode keeps running; drop one of them");
  const ms = parseDuration(argv.refresh ?? REFRESH, "--refresh");
  if (ms % 1000 !== 0 || ms > MAX_REFRESH_MS)
    throw usageError(`--refresh ${argv.refresh} is not whole seconds up to 1h`, "e.g. --refresh 30s or 1m");
  return ms;
}

/**
 * One run of the live application for the runner: a local spark-submit, one long-running EMR step
 * or one long EMR Serverless job run (emr/README.md, "Live mode"), supervised by `superviseLive`.
 */
async function prepareLive(
  s: ReturnType<typeof settingsFrom>,
  p: Pipeline,
  argv: ScheduleArgs,
  refreshMs: number,
): Promise<LiveRun> {
  const { windowMinutes, latenessMinutes, runner } = p.deps;
  const jdbc = jdbcFromDatabaseUrl(p.databaseUrl);
  const bucket = argv.bucket ?? s.bucket;
  const input = argv.input ?? `s3://${bucket}/${s.rawPrefix.replace(/^\/+/, "")}`;
  const app = {
    input,
    jdbcUrl: jdbc.jdbcUrl,
    windowMinutes,
    latenessMinutes,
    refreshSeconds: refreshMs / 1000,
  };
  if (runner instanceof EmrStepRunner || runner instanceof EmrServerlessStepRunner) {
    const checkpoint = argv.checkpoint ?? `s3://${bucket}/live/checkpoint/`;
    for (const [flag, uri] of [
      ["--input", input],
      ["--checkpoint", checkpoint],
    ] as const)
      if (!/^s3a?:\/\//.test(uri))
        throw usageError(
          `${flag} ${uri} is not on S3: the live application runs on ${runner.kind}`,
          `pass ${flag} s3://BUCKET/…/`,
        );
    const remote = { ...app, input: slash(input), checkpoint: slash(checkpoint) };
    return runner instanceof EmrStepRunner ? emrLiveRun(runner, remote) : serverlessLiveRun(runner, remote);
  }
  const spark = await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome });
  const local = {
    ...app,
    spark,
    master: argv.master,
    checkpoint: argv.checkpoint ?? join(s.cacheDir, "live", "checkpoint"),
    jdbcUser: jdbc.user,
    jdbcPassword: jdbc.password,
    onLine: (line: string) => {
      if (line.startsWith("live: ")) log().info({ live: line.slice(6) }, "live");
    },
  };
  return localLiveRun(local);
}

const slash = (uri: string): string => (uri.endsWith("/") ? uri : `${uri}/`);

function summarise(t: TickSummary): void {
  if (t.standby) {
    log().info("another scheduler is active; this one did nothing");
    return;
  }
  const ok = t.outcomes.filter((o) => o.status === "succeeded").length;
  log().info(
    { planned: t.queued.length, succeeded: ok, failed: t.failed.length, interrupted: t.interrupted },
    "tick done",
  );
  for (const o of t.outcomes) if (o.status === "locked") process.stdout.write(`${skippedLine(o)}\n`);
  for (const f of t.failed) {
    log().error(
      { window: f.window.start.toISOString(), attempts: f.attempts.length, error: f.attempts.at(-1)?.error },
      "window left failed after its retries",
    );
  }
}

function parseMetrics(v: string): string[] {
  const names = v.split(",").map((x) => x.trim());
  if (names.some((n) => !/^[a-z][a-z0-9_]{0,62}$/.test(n)))
    throw usageError(
      `--metrics ${JSON.stringify(v)} is not a comma-separated list of metric names`,
      "e.g. --metrics influencer_window,sentiment_window",
    );
  return names;
}

function backfillLine(b: BackfillSummary): string {
  if (b.standby) return "another scheduler is active; backfill did nothing (run it again when it is idle)";
  if (b.planned.windows.length === 0)
    return "backfill: no stored window ran another SQL; nothing to recompute";
  const ok = b.outcomes.filter((o) => o.status === "succeeded").length;
  return `backfill: ${b.planned.windows.length} window(s), ${ok} recomputed, ${b.outcomes.length - ok} not`;
}

const backfillJson = (b: BackfillSummary) => ({
  standby: b.standby,
  planned: b.planned.windows.map((w) => ({ window_start: w.start.toISOString(), metrics: w.metrics })),
  windows: b.outcomes.map(outcomeJson),
});

const tickJson = (t: TickSummary) => ({
  standby: t.standby,
  interrupted: t.interrupted,
  planned: t.queued.map((p) => ({ window_start: p.window.start.toISOString(), reason: p.reason })),
  windows: t.outcomes.map(outcomeJson),
  failed: t.failed.map((f) => f.window.start.toISOString()),
});
