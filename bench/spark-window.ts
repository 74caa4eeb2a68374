/**
 * The generated window step on `local[2]` (docs/contracts.md targets: 1M events ≤ 60 s with the JVM start,
 * driver memory ≤ 2 GiB; a window in a tree that also holds 100 hours of older data ≤ 1.1× the time
 * without, because a window reads only its own arrival-hour prefixes).
 *
 *   npx tsx bench/spark-window.ts [--sizes 100000,1000000] [--old-hours 100] [--old-per-hour 10000] [--repeat 2]
 *       [--range 96] [--range-events 1000]
 *
 * `--range N`: N consecutive windows of `--range-events` events each in ONE step (one Spark
 * application, a transaction per window), as `trends run`, catch-up and the demo submit them.
 * `--sizes ""` or `--old-hours 0` or `--range 0` skip that part.
 *
 * Prints wall seconds (spark-submit start to exit, JVM included), events/s, and the peak resident
 * memory (VmHWM from /proc) of the driver JVM and of the Python driver.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../runtime/config/index.ts";
import { createDatabase, startLocalPostgres } from "../runtime/postgres/index.ts";
import { ensureSpark, localInputBytes, type SparkInstall, sparkSubmit } from "../runtime/spark/index.ts";
import { inputHourPrefixes, type Window } from "../runtime/windows/index.ts";
import {
  STEP_ENTRY,
  STEP_ENTRY_PATH,
  STEP_RUNTIME_DIR,
  WINDOW_JOB_PLAN,
  WINDOW_JOB_PLAN_PATH,
} from "../sparkgen/index.ts";
import { migrateToLatest, openDb } from "../sql/index.ts";
import { writeSyntheticWindow } from "./synth-events.ts";

const STEP = STEP_ENTRY_PATH;
const PLAN = WINDOW_JOB_PLAN_PATH;
const LATENESS = 10;
const HOUR = 3_600_000;
const USAGE = `Usage: npx tsx bench/spark-window.ts [options]

The generated window step through spark-submit on local[2] (JVM start included), writing to a
PostgreSQL the script starts. Prints wall seconds, CPU-seconds (utime + stime from /proc of every
process of the step), the peak RSS of the driver JVM and the Python driver, and the step's own
phase log, per run. Run it under the shared Spark lock: flock /tmp/trends-spark.lock npx tsx …

  --sizes N,N        single-window sizes in events (default 100000,1000000; "" skips)
  --repeat N         runs per measurement (default 2)
  --range N          N consecutive windows in ONE step (default 96; 0 skips)
  --range-events N   events per window of the range (default 1000)
  --old-hours N      older hours added to the first size's tree, ratio with/without (default 100; 0 skips)
  --old-per-hour N   events per older hour (default 10000)
  --variant L:K=V,…  compare Spark settings side by side: each measurement runs once per variant
                     (repeatable; "default" with no extra settings always runs first). A
                     spark.driver.extraJavaOptions value is added after the step's own options
                     (-XX:TieredStopAtLevel=4 brings C2 back).
  --ref REF          also run the step of git REF (its sparkgen/runtime and generated plan) as the
                     variant "ref_REF", to compare a change with the code before it (repeatable)
  --keep             keep the generated input under the temp directory
  -h, --help         this text`;
const { values: opts } = parseArgs({
  options: {
    help: { type: "boolean", short: "h", default: false },
    sizes: { type: "string", default: "100000,1000000" },
    "old-hours": { type: "string", default: "100" },
    "old-per-hour": { type: "string", default: "10000" },
    repeat: { type: "string", default: "2" },
    range: { type: "string", default: "96" },
    "range-events": { type: "string", default: "1000" },
    keep: { type: "boolean", default: false },
    variant: { type: "string", multiple: true, default: [] },
    ref: { type: "string", multiple: true, default: [] },
  },
});

/** What one measurement runs: Spark settings and the step's code (this tree's, or a git ref's). */
interface Variant {
  label: string;
  conf: Record<string, string>;
  step: string;
  plan: string;
}

/** `label:key=value,key=value`: Spark settings measured beside the default, in the same run. */
function parseVariant(text: string): Variant {
  const colon = text.indexOf(":");
  const label = colon > 0 ? text.slice(0, colon) : "";
  const pairs = (colon > 0 ? text.slice(colon + 1) : "").split(",").filter(Boolean);
  if (!/^[a-z0-9_]+$/.test(label) || pairs.some((p) => !/^[\w.]+=.+$/.test(p))) {
    console.error(
      `bench: --variant ${JSON.stringify(text)} is not LABEL:KEY=VALUE[,KEY=VALUE…] (LABEL in a-z, 0-9, _); fix the flag`,
    );
    process.exit(2);
  }
  const conf: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf("=");
    conf[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return { label, conf, step: STEP, plan: PLAN };
}

/** The step of git `ref`, exported to a temp directory (the runtime and the generated plan and SQL). */
function refVariant(ref: string): Variant {
  const dir = mkdtempSync(join(tmpdir(), "trends-bench-ref-"));
  const archive = spawnSync(
    "git",
    ["archive", "--format=tar", ref, "sparkgen/runtime", "sparkgen/generated"],
    {
      cwd: new URL("..", import.meta.url).pathname,
      maxBuffer: 1 << 30,
    },
  );
  if (archive.status !== 0) {
    console.error(
      `bench: --ref ${JSON.stringify(ref)}: ${archive.stderr.toString().trim()}; name a commit or branch`,
    );
    process.exit(2);
  }
  if (spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout }).status !== 0) {
    console.error(`bench: --ref ${JSON.stringify(ref)}: could not unpack its files into ${dir}`);
    process.exit(2);
  }
  return {
    label: `ref_${ref.replace(/[^A-Za-z0-9]+/g, "_").toLowerCase()}`,
    conf: {},
    step: join(dir, STEP_RUNTIME_DIR, STEP_ENTRY),
    plan: join(dir, WINDOW_JOB_PLAN),
  };
}
const VARIANTS: Variant[] = [
  { label: "default", conf: {}, step: STEP, plan: PLAN },
  ...opts.variant.map(parseVariant),
  ...opts.ref.map(refVariant),
];

if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

interface Measured {
  wall: number;
  cpuSeconds: number;
  jvmPeakMiB: number;
  pythonPeakMiB: number;
  result: Record<string, number> | undefined;
}

/** Processes descended from this one (the step's spark-submit, its JVM and its Python driver). */
function descendants(): Set<number> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      /* gone */
    }
  }
  const out = new Set<number>();
  const todo = [process.pid];
  while (todo.length) {
    for (const c of children.get(todo.pop()!) ?? []) {
      if (out.has(c)) continue;
      out.add(c);
      todo.push(c);
    }
  }
  return out;
}

/**
 * Peak RSS (VmHWM) of the step's driver JVM and Python driver. Only this process's descendants
 * count: other Spark jobs on the machine run the same script.
 */
function watchPeaks(step: string): { stop: () => { jvm: number; python: number; cpuSeconds: number } } {
  const peaks = new Map<number, { kind: "jvm" | "python"; hwm: number }>();
  // Last seen utime + stime (clock ticks, 100/s) of every process of the run: CPU-seconds do not
  // depend on what else the machine is doing, wall seconds do.
  const cpu = new Map<number, number>();
  const tick = () => {
    for (const pid of descendants()) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").pop()!.split(" ");
        cpu.set(pid, Number(stat[11]) + Number(stat[12]));
        // Classified on every tick: spark-submit is a shell script that execs the JVM under the same pid.
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        const kind = !cmd.includes(step)
          ? null
          : cmd[0]!.endsWith("java")
            ? "jvm"
            : cmd[0]!.includes("python")
              ? "python"
              : null;
        if (kind === null) continue;
        const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
        const p = peaks.get(pid);
        if (!p || hwm > p.hwm) peaks.set(pid, { kind, hwm });
      } catch {
        /* the process ended between listing and reading */
      }
    }
  };
  const timer = setInterval(tick, 200);
  return {
    stop: () => {
      clearInterval(timer);
      const max = (k: "jvm" | "python") =>
        Math.max(0, ...[...peaks.values()].filter((p) => p.kind === k).map((p) => p.hwm)) / 1024;
      return {
        jvm: max("jvm"),
        python: max("python"),
        cpuSeconds: [...cpu.values()].reduce((a, b) => a + b, 0) / 100,
      };
    },
  };
}

async function runStep(
  spark: SparkInstall,
  jdbcUrl: string,
  user: string,
  w: Window,
  root: string,
  windows = 1,
  variant: Variant = VARIANTS[0]!,
) {
  // A range reads the union of its windows' prefixes; each window its own (by index).
  const size = w.end.getTime() - w.start.getTime();
  const perWindow = Array.from({ length: windows }, (_, k) =>
    inputHourPrefixes(
      { start: new Date(w.start.getTime() + k * size), end: new Date(w.end.getTime() + k * size) },
      LATENESS,
    ).map((p) => `file://${root}/${p}`),
  );
  const inputs = [...new Set(perWindow.flat())];
  const range =
    windows > 1
      ? [
          "--windows",
          String(windows),
          ...perWindow.flatMap((l) => ["--window-inputs", l.map((u) => inputs.indexOf(u)).join(",")]),
        ]
      : [];
  const watch = watchPeaks(variant.step);
  const t0 = performance.now();
  const r = await sparkSubmit({
    spark,
    script: variant.step,
    master: "local[2]",
    inputBytes: localInputBytes(inputs),
    conf: { "spark.driver.memory": "2g", ...variant.conf },
    args: [
      "--plan",
      variant.plan,
      "--window-start",
      w.start.toISOString(),
      "--window-end",
      w.end.toISOString(),
      ...inputs.flatMap((i) => ["--input", i]),
      "--jdbc-url",
      jdbcUrl,
      ...range,
    ],
    env: { TRENDS_JDBC_USER: user, TRENDS_JDBC_PASSWORD: "" },
  });
  const wall = (performance.now() - t0) / 1000;
  const peaks = watch.stop();
  // PySpark pipes the Python driver's errors into the JVM's stdout: show the end of both, and keep
  // the whole of both (a 10M-event window fails minutes in, and its cause is rarely in the tail).
  if (r.code !== 0) {
    const log = join(tmpdir(), `trends-bench-step-${Date.now()}.log`);
    writeFileSync(log, `${r.stdout}\n----- stderr -----\n${r.stderr}`);
    throw new Error(
      `step failed (exit ${r.code}), whole output in ${log}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`,
    );
  }
  const line = r.stdout.split("\n").find((l) => l.startsWith("TRENDS_STEP_RESULT "));
  // The step logs "window_job: phase <name>: <s> s" per phase (per window of a range); show where
  // the time goes, summed over the windows.
  const sums = new Map<string, number>();
  // PySpark's launcher pipes the Python driver's stderr into the JVM's stdout: read both.
  for (const m of `${r.stdout}\n${r.stderr}`.matchAll(/window_job: phase (.+?): ([\d.]+) s/g))
    sums.set(m[1]!, (sums.get(m[1]!) ?? 0) + Number(m[2]));
  const phases = [...sums].map(([k, v]) => `${k} ${v.toFixed(2)}`);
  if (phases.length) console.log(`    phases (s): ${phases.join(", ")}`);
  // The reference-depth loop's levels (trends_step/depth.py): how deep the data went, at what cost.
  for (const m of `${r.stdout}\n${r.stderr}`.matchAll(/window_job: (\S+: edges per level .*)/g))
    console.log(`    ${m[1]}`);
  console.log(
    `    load average after: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
  );
  return {
    wall,
    cpuSeconds: peaks.cpuSeconds,
    jvmPeakMiB: peaks.jvm,
    pythonPeakMiB: peaks.python,
    result: line ? (JSON.parse(line.slice(19)) as Record<string, number>) : undefined,
  } satisfies Measured;
}

function duSync(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  }
  return total;
}

const fmt = (m: Measured, events: number) =>
  `${m.wall.toFixed(1)} s wall (${Math.round(events / m.wall).toLocaleString("en")} events/s), ` +
  `${m.cpuSeconds.toFixed(1)} CPU-s (${Math.round(events / m.cpuSeconds).toLocaleString("en")} events/CPU-s), ` +
  `driver JVM peak RSS ${m.jvmPeakMiB.toFixed(0)} MiB, Python ${m.pythonPeakMiB.toFixed(0)} MiB, result ${JSON.stringify(m.result)}`;

async function main(): Promise<void> {
  const settings = loadConfig({ env: process.env });
  const spark = await ensureSpark({
    cacheDir: settings.cacheDir,
    sparkHome: settings.sparkHome,
    install: false,
  });
  const work = mkdtempSync(join(tmpdir(), "trends-bench-spark-"));
  // Its own temp dir: as root, the server user must own its data directory (runtime/postgres).
  const pgDir = mkdtempSync(join(tmpdir(), "trends-bench-pg-"));
  const pg = await startLocalPostgres({ dataDir: pgDir });
  const w: Window = {
    start: new Date("2026-11-26T04:45:00.000Z"),
    end: new Date("2026-11-26T05:00:00.000Z"),
  };
  const repeat = Number(opts.repeat);
  console.log(`PySpark ${spark.version}, local[2], spark.driver.memory=2g; window ${w.start.toISOString()}`);
  console.log(
    `load average at start: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`,
  );
  try {
    const db = async (name: string) => {
      const url = await createDatabase(pg.url, name);
      const k = openDb(url);
      await migrateToLatest(k);
      await k.destroy();
      const u = new URL(url);
      return { jdbcUrl: `jdbc:postgresql://${u.host}${u.pathname}`, user: decodeURIComponent(u.username) };
    };
    const sizes = opts.sizes.split(",").filter(Boolean).map(Number);
    const roots: Record<number, string> = {};
    for (const n of sizes) {
      const root = join(work, `raw-${n}`);
      const g0 = performance.now();
      writeSyntheticWindow({ root, window: w, events: n, seed: 42 });
      const genS = (performance.now() - g0) / 1000;
      roots[n] = root;
      console.log(
        `\n${n.toLocaleString("en")} events: generated ${(duSync(root) / 2 ** 20).toFixed(0)} MiB in ${genS.toFixed(1)} s`,
      );
      const target = await db(`bench_${n}`);
      for (let i = 0; i < repeat; i++)
        for (const v of VARIANTS)
          console.log(
            `  run ${i + 1} [${v.label}]: ${fmt(await runStep(spark, target.jdbcUrl, target.user, w, root, 1, v), n)}`,
          );
    }

    const rangeWindows = Number(opts.range);
    if (rangeWindows > 0) {
      const per = Number(opts["range-events"]);
      const root = join(work, "raw-range");
      const first: Window = {
        start: new Date("2026-11-20T00:00:00.000Z"),
        end: new Date("2026-11-20T00:15:00.000Z"),
      };
      const size = first.end.getTime() - first.start.getTime();
      for (let k = 0; k < rangeWindows; k++) {
        writeSyntheticWindow({
          root,
          window: {
            start: new Date(first.start.getTime() + k * size),
            end: new Date(first.end.getTime() + k * size),
          },
          events: per,
          seed: 500 + k,
          idPrefix: `r${k}-`,
        });
      }
      console.log(
        `\nrange: ${rangeWindows} windows × ${per.toLocaleString("en")} events (${(duSync(root) / 2 ** 20).toFixed(0)} MiB) in one step`,
      );
      // A database per variant: each variant's range meets the same stored history.
      const targets = await Promise.all(VARIANTS.map((v) => db(`bench_range_${v.label}`)));
      for (let i = 0; i < repeat; i++)
        for (const [j, v] of VARIANTS.entries()) {
          const target = targets[j]!;
          console.log(
            `  run ${i + 1} [${v.label}]: ${fmt(await runStep(spark, target.jdbcUrl, target.user, first, root, rangeWindows, v), rangeWindows * per)}`,
          );
        }
    }

    // Older data: the same tree gets `old-hours` earlier hours, each written inside its own hour
    // (created in [H, H+50 min), arriving < 7 min later), all before the window's first prefix.
    const n = sizes[0];
    if (n === undefined || Number(opts["old-hours"]) === 0) return;
    const root = roots[n]!;
    const oldHours = Number(opts["old-hours"]);
    const perHour = Number(opts["old-per-hour"]);
    const target = await db("bench_old");
    const before: Measured[] = [];
    for (let i = 0; i < repeat; i++) before.push(await runStep(spark, target.jdbcUrl, target.user, w, root));
    const firstPrefix = Math.floor(w.start.getTime() / HOUR) * HOUR - HOUR;
    const sizeBefore = duSync(root);
    for (let h = 1; h <= oldHours; h++) {
      const start = new Date(firstPrefix - h * HOUR);
      writeSyntheticWindow({
        root,
        window: { start, end: new Date(start.getTime() + 50 * 60_000) },
        events: perHour,
        seed: 1000 + h,
        idPrefix: `old${h}-`,
      });
    }
    const added = (duSync(root) - sizeBefore) / 2 ** 20;
    const after: Measured[] = [];
    for (let i = 0; i < repeat; i++) after.push(await runStep(spark, target.jdbcUrl, target.user, w, root));
    const best = (ms: Measured[]) => Math.min(...ms.map((m) => m.wall));
    console.log(
      `\nolder data: ${n.toLocaleString("en")}-event window, then + ${oldHours} older hours × ${perHour.toLocaleString("en")} events (${added.toFixed(0)} MiB) in the same tree`,
    );
    const show = (ms: Measured[]) =>
      ms.map((m) => `${m.wall.toFixed(1)} s wall / ${m.cpuSeconds.toFixed(1)} CPU-s`).join(", ");
    const bestCpu = (ms: Measured[]) => Math.min(...ms.map((m) => m.cpuSeconds));
    console.log(`  without: ${show(before)}; rows_read ${before[0]!.result?.rows_read}`);
    console.log(`  with:    ${show(after)}; rows_read ${after[0]!.result?.rows_read}`);
    console.log(
      `  ratio with / without: wall ${(best(after) / best(before)).toFixed(3)}, CPU ${(bestCpu(after) / bestCpu(before)).toFixed(3)}`,
    );
    console.log(`  results equal: ${JSON.stringify(before[0]!.result) === JSON.stringify(after[0]!.result)}`);
  } finally {
    await pg.stop();
    rmSync(pgDir, { recursive: true, force: true });
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

await main();
