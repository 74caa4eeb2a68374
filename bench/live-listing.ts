/**
 * Live mode's file discovery: what listing the raw tree costs at each trigger, by tree size and glob.
 *
 *   npx tsx bench/live-listing.ts [--hours 8760] [--seconds 60] [--trigger 2s]
 *
 * Structured Streaming's file source lists its glob at every trigger, whatever `maxFileAge` (which
 * only bounds the files it remembers). This bench writes a tree in Firehose's layout with one small
 * object per arrival hour (`--hours` of them, ending now, each object's mtime its hour, so
 * `maxFileAge` 2h skips all but the newest), then runs, one at a time, a streaming query with the
 * live application's source settings (file source, `maxFileAge` 2h, a no-op `foreachBatch`,
 * `local[2]`, the runner's JVM flags) and measures, once its first trigger is done, over
 * `--seconds`:
 *  - the CPU-seconds of its whole process group (/proc) beside the wall time, per trigger;
 *  - the median `latestOffset` time of a trigger (the listing), from Spark's own progress;
 *  - the directories the glob visits: on S3 each is at least one LIST request per trigger.
 * Variants: the tree of the last 24 hours (the floor: the trigger loop with nothing to list),
 * the whole `--hours` tree under the glob of every hour, ROOT/* /* /* /*, under a glob of the current
 * month (ROOT/YYYY/MM/* /*), and under live mode's: the hours of yesterday, today and tomorrow.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../runtime/config/index.ts";
import { ensureSpark, sparkSubmitArgs } from "../runtime/spark/index.ts";
import { hourPrefix, parseDuration } from "../runtime/windows/index.ts";
import { groupCpuSeconds } from "./cpu.ts";

const { values: opts } = parseArgs({
  options: {
    hours: { type: "string", default: "8760" },
    // Variants to run, by number (1: 24 hours, 2: every hour, 3: the month, 4: live mode's three days).
    only: { type: "string", default: "1,2,3,4" },
    seconds: { type: "string", default: "60" },
    trigger: { type: "string", default: "2s" },
  },
});
const HOURS = Number(opts.hours);
const SECONDS = Number(opts.seconds);
const TRIGGER_S = parseDuration(opts.trigger, "--trigger") / 1000;
const HOUR_MS = 3_600_000;

/**
 * The streaming query: waits for its first triggers, says MEASURE, and reports once the file its
 * 4th argument names exists (PySpark's driver does not get spark-submit's stdin).
 */
const QUERY = `
import json, sys, time
from pyspark.sql import SparkSession
import os
glob, checkpoint, trigger, done = sys.argv[1:5]
spark = (SparkSession.builder.appName("trends listing bench")
         .config("spark.sql.streaming.noDataProgressEventInterval", "0").getOrCreate())
q = (spark.readStream.schema("id string").option("maxFileAge", "2h").json(glob)
     .writeStream.foreachBatch(lambda df, i: None).trigger(processingTime=trigger)
     .option("checkpointLocation", checkpoint).start())
while len(q.recentProgress) < 2:
    time.sleep(0.2)
first = len(q.recentProgress)
print("MEASURE", flush=True)
while not os.path.exists(done):
    time.sleep(0.2)
ms = sorted(p["durationMs"].get("latestOffset", 0) for p in q.recentProgress[first:])
print("RESULT " + json.dumps({"triggers": len(ms), "latestOffsetMs": ms[len(ms) // 2] if ms else None}), flush=True)
q.stop()
spark.stop()
`;

/** One object per hour for `hours` hours ending now, each with its hour as mtime. */
function writeTree(root: string, hours: number): void {
  const now = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  for (let k = 0; k < hours; k++) {
    const at = new Date(now - k * HOUR_MS);
    const dir = join(root, hourPrefix(at));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `trends-1-${at.getTime()}`);
    writeFileSync(file, `{"id":"${k}"}\n`);
    utimesSync(file, at, at);
  }
}

/** Directories a glob of `levels` wildcard levels under a tree visits (each listed once). */
const visited = (root: string, levels: string[]): number => {
  let dirs = [root];
  let n = 0;
  for (const level of levels) {
    n += dirs.length;
    dirs = dirs.flatMap((d) => {
      try {
        if (level.startsWith("{"))
          return level
            .slice(1, -1)
            .split(",")
            .map((p) => join(d, p));
        return level === "*"
          ? readdirSync(d, { withFileTypes: true })
              .filter((e) => e.isDirectory())
              .map((e) => join(d, e.name))
          : [join(d, level)];
      } catch {
        return [];
      }
    });
  }
  return n + dirs.length;
};

interface Measured {
  variant: string;
  cpuPerTrigger: number;
  wallPerTrigger: number;
  cores: number;
  listingMs: number | null;
  dirs: number;
}

async function measure(
  variant: string,
  glob: string,
  dirs: number,
  work: string,
  spark: Awaited<ReturnType<typeof ensureSpark>>,
): Promise<Measured> {
  const script = join(work, "query.py");
  const slug = variant.replace(/[^a-z0-9]+/gi, "-");
  writeFileSync(script, QUERY);
  const args = sparkSubmitArgs({
    script,
    args: [glob, join(work, `checkpoint-${slug}`), `${TRIGGER_S} seconds`, join(work, `done-${slug}`)],
    master: "local[2]",
    jdbcJar: spark.jdbcJar,
  });
  const child = spawn(spark.sparkSubmit, args, {
    detached: true,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PYSPARK_PYTHON: spark.python, PYSPARK_DRIVER_PYTHON: spark.python },
  });
  const lines = createInterface({ input: child.stdout! });
  const next = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const on = (l: string) => {
        if (!l.startsWith(prefix)) return;
        lines.off("line", on);
        resolve(l.slice(prefix.length));
      };
      lines.on("line", on);
      child.once("close", (code) => reject(new Error(`${variant}: spark-submit ended (${code})`)));
    });
  await next("MEASURE");
  const cpu0 = groupCpuSeconds(child.pid!);
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const cpu = groupCpuSeconds(child.pid!) - cpu0;
  const wall = (performance.now() - t0) / 1000;
  const result = next("RESULT ");
  writeFileSync(join(work, `done-${slug}`), "");
  const r = JSON.parse(await result) as { triggers: number; latestOffsetMs: number | null };
  await new Promise((resolve) => child.once("close", resolve));
  const triggers = Math.max(1, r.triggers);
  return {
    variant,
    cpuPerTrigger: cpu / triggers,
    wallPerTrigger: wall / triggers,
    cores: cpu / wall,
    listingMs: r.latestOffsetMs,
    dirs,
  };
}

const s = loadConfig({ env: process.env });
const spark = await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome });
const work = mkdtempSync(join(tmpdir(), "trends-bench-listing-"));
try {
  const small = join(work, "small");
  const large = join(work, "large");
  writeTree(small, 24);
  writeTree(large, HOURS);
  const month = hourPrefix(new Date()).slice(0, 8); // YYYY/MM/
  // Live mode's glob: the newest day and the days either side (trends_step/live.py, day_glob).
  const days = [-1, 0, 1].map((k) => hourPrefix(new Date(Date.now() + k * 86_400_000)).slice(0, 10));
  console.log(
    `trees written: 24 and ${HOURS} arrival hours; trigger ${TRIGGER_S} s, ${SECONDS} s measured each`,
  );
  const rows: Measured[] = [];
  for (const [k, [variant, root, levels]] of (
    [
      ["24 hours, ROOT/*/*/*/*", small, ["*", "*", "*", "*"]],
      [`${HOURS} hours, ROOT/*/*/*/*`, large, ["*", "*", "*", "*"]],
      [`${HOURS} hours, ROOT/${month}*/*`, large, [...month.split("/").filter(Boolean), "*", "*"]],
      [`${HOURS} hours, live mode's ROOT/{${days.join(",")}}/*`, large, [`{${days.join(",")}}`, "*"]],
    ] as const
  ).entries()) {
    if (!opts.only.split(",").includes(String(k + 1))) continue;
    const glob = `${root}/${levels.join("/")}`;
    const m = await measure(variant, glob, visited(root, [...levels]), work, spark);
    rows.push(m);
    console.log(
      `${variant}: ${m.cpuPerTrigger.toFixed(3)} CPU-s and ${m.wallPerTrigger.toFixed(2)} s wall per trigger (${m.cores.toFixed(3)} cores), listing (latestOffset) median ${m.listingMs} ms, ${m.dirs} directories listed per trigger`,
    );
  }
  const floor = rows[0]?.cpuPerTrigger ?? 0;
  for (const m of rows.slice(1))
    console.log(
      `${m.variant}: listing above the floor ${(m.cpuPerTrigger - floor).toFixed(3)} CPU-s per trigger = ${((m.cpuPerTrigger - floor) / 60).toFixed(4)} cores at a 1-minute refresh`,
    );
} finally {
  rmSync(work, { recursive: true, force: true });
}
