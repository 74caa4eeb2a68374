import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { jdbcFromDatabaseUrl, type Pipeline } from "../emr/index.ts";
import { runLive } from "../emr/live/index.ts";
import type { IngestSummary } from "../ingest/index.ts";
import type { Settings } from "../runtime/config/index.ts";
import { TrendsError } from "../runtime/errors/index.ts";
import type { SparkInstall } from "../runtime/spark/index.ts";
import { type LiveAlertRow, liveAlerts } from "../sql/index.ts";
import type { DemoProgress } from "./run.ts";
import type { DemoSpan } from "./span.ts";
import { liveAlertLine } from "./summary.ts";

/** `trends demo --live`: what live mode showed of the crisis window, and what its final made of it. */
export interface LiveDemoReport {
  /** The ingest of the crisis window, replayed at the demo's pace. */
  ingest: IngestSummary;
  /** Each live alert of the crisis window when first seen provisional, with the seconds since its first post was replayed. */
  provisional: { alert: LiveAlertRow; seconds: number }[];
  /** The same alerts after the window's final commit: `confirmed` or `withdrawn`. */
  settled: LiveAlertRow[];
}

/** How long the live application may take to come up, and then to show an alert after the replay. */
const START_MS = 600_000;
const ALERT_MS = 600_000;
const POLL_MS = 1000;

/**
 * The stream split at the crisis (by each X message's `data.created_at`): the windows before it
 * are ingested at full speed and computed final, the crisis window is replayed live. A line
 * without a time (the deliberately malformed ones) goes with the first part.
 */
export function splitAtCrisis(file: string, crisisAt: Date): { before: string; crisis: string } {
  const before: string[] = [];
  const crisis: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "") continue;
    (createdAt(line) >= crisisAt.getTime() ? crisis : before).push(line);
  }
  const out = { before: `${file}.before`, crisis: `${file}.crisis` };
  writeFileSync(out.before, before.map((l) => `${l}\n`).join(""));
  writeFileSync(out.crisis, crisis.map((l) => `${l}\n`).join(""));
  return out;
}

function createdAt(line: string): number {
  try {
    const t = (JSON.parse(line) as { data?: { created_at?: unknown } }).data?.created_at;
    return typeof t === "string" ? Date.parse(t) || 0 : 0;
  } catch {
    return 0;
  }
}

export interface LiveReplay {
  s: Settings;
  spark: SparkInstall;
  pipeline: Pipeline;
  span: DemoSpan;
  pace: number;
  crisisTopic: string;
  workDir: string;
  progress: DemoProgress;
  signal: AbortSignal;
  /** Replays the crisis window into the directory sink at the pace. */
  ingest(): Promise<IngestSummary>;
}

/**
 * Starts the live application (as `trends schedule --live` does, refreshing once per replayed
 * minute), replays the crisis window while it runs and reports each provisional alert of the window
 * as it appears. Returns once an alert of the crisis topic was seen (or none came in time), with the
 * live application stopped; `settle` reads the alerts again after the window's final run.
 */
export async function replayCrisisLive(
  a: LiveReplay,
): Promise<{ ingest: IngestSummary; settle(): Promise<LiveDemoReport> }> {
  const { s, span, progress } = a;
  const stop = new AbortController();
  const stopLive = () => stop.abort();
  a.signal.addEventListener("abort", stopLive, { once: true });
  const jdbc = jdbcFromDatabaseUrl(a.pipeline.databaseUrl);
  let up = false;
  const tail: string[] = [];
  const live = runLive({
    spark: a.spark,
    master: "local[2]",
    input: join(a.workDir, s.rawPrefix),
    checkpoint: join(a.workDir, "live-checkpoint"),
    jdbcUrl: jdbc.jdbcUrl,
    jdbcUser: jdbc.user,
    jdbcPassword: jdbc.password,
    windowMinutes: s.windowMinutes,
    latenessMinutes: s.latenessMinutes,
    // The default refresh (1 minute) in replayed time.
    refreshSeconds: Math.max(1, Math.round(60 / a.pace)),
    signal: stop.signal,
    onLine: (line) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (line.includes("TRENDS_LIVE_STARTED")) up = true;
      if (line.startsWith("live: refresh")) progress.detail(line);
    },
  });
  const window = { from: span.crisisAt, to: span.end, allTopics: true };
  const seen: LiveDemoReport["provisional"] = [];
  try {
    const deadline = Date.now() + START_MS;
    while (!up && !a.signal.aborted) {
      if (Date.now() > deadline)
        throw new TrendsError(`the live application did not start:\n${tail.slice(-10).join("\n")}`);
      await sleep(POLL_MS);
    }
    progress.detail("live application up; replaying the crisis window");
    const first = Date.now();
    let ingest: IngestSummary | undefined;
    const ingesting = a.ingest().then((i) => {
      ingest = i;
    });
    let waitUntil = Number.POSITIVE_INFINITY;
    while (!a.signal.aborted) {
      for (const alert of await liveAlerts(a.pipeline.deps.db, window)) {
        if (alert.state !== "provisional" || seen.some((x) => sameAlert(x.alert, alert))) continue;
        const seconds = Math.round((Date.now() - first) / 1000);
        seen.push({ alert, seconds });
        a.progress.alert?.(`${liveAlertLine(alert)} (${seconds} s after the first crisis post)`);
      }
      if (ingest && waitUntil === Number.POSITIVE_INFINITY) waitUntil = Date.now() + ALERT_MS;
      if (ingest && (seen.some((x) => x.alert.topic === a.crisisTopic) || Date.now() > waitUntil)) break;
      await sleep(POLL_MS);
    }
    await ingesting;
    if (seen.length === 0) progress.detail("no provisional alert appeared while the window was open");
    return {
      ingest: ingest!,
      settle: async () => {
        const settled = (await liveAlerts(a.pipeline.deps.db, window)).filter((x) =>
          seen.some((y) => sameAlert(x, y.alert)),
        );
        for (const x of settled) a.progress.alert?.(liveAlertLine(x));
        return { ingest: ingest!, provisional: seen, settled };
      },
    };
  } finally {
    stop.abort();
    a.signal.removeEventListener("abort", stopLive);
    await live;
  }
}

const sameAlert = (x: LiveAlertRow, y: LiveAlertRow): boolean =>
  x.kind === y.kind && x.topic === y.topic && x.windowStart.getTime() === y.windowStart.getTime();
