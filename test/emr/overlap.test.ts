import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isLocked,
  jdbcFromDatabaseUrl,
  LocalStepRunner,
  schedulerTick,
  windowLockKey,
} from "../../emr/index.ts";
import { inputSource } from "../../emr/scheduler/index.ts";
import { waitFor } from "../../runtime/proc.ts";
import { type Database, METRIC_TABLES, openDb } from "../../sql/index.ts";
import { sparkInstall } from "../support/services.ts";
import {
  attempts,
  migratedDb,
  seededSentiment,
  type TestDb,
  tableRows,
  windowEvents,
  windowOf,
  writeObject,
} from "./scheduler-support.ts";

/*
 * Issue: alerts must stay in-order exact when runs overlap (emr/scheduler/README.md, "Overlapping
 * runs"). One range, processed twice into two databases:
 * - clean: one `trends run` over the range, in order;
 * - chaos: a `trends run` SIGKILLed (its whole process group, like a crashed machine) after two
 *   windows of its range step committed, then two `trends run` of the same range and one scheduler tick, all at once.
 * Every result table of chaos must equal clean row for row, and pipeline_run must explain every
 * window's history.
 *
 * Data (topics `*` and `acme` alike): 09:00–09:45 seeded into sentiment_window (n_scored 20,
 * avg 0.5); W1…W5 = 10:00…11:00 from input, 20 scored events each: 0.6, 0.4, 0.35, 0.5, 0.
 * Alerts of the in-order run, by hand (baseline = previous 8 windows with n_scored ≥ 20):
 *   W1…W4: drops below 0.2 (W3: baseline mean 0.5, drop 0.15) → none.
 *   W5: baseline .5 .5 .5 .5 .6 .4 .35 .5 → mean 0.48125, sd 0.075297, drop 0.48125
 *       ≥ max(0.4, 3·sd) → critical, 8 baseline windows.
 * W5's drop reads W4 and W3: an alert computed while either is still being written by another
 * run comes out different (the defect this test reproduces).
 */
const BIN = fileURLToPath(new URL("../../bin/trends.js", import.meta.url));
const WINDOWS = ["10:00", "10:15", "10:30", "10:45", "11:00"].map((hhmm) =>
  windowOf(`2026-11-24T${hhmm}:00Z`),
);
const SCORES = [0.6, 0.4, 0.35, 0.5, 0];
const SEEDED = ["09:00", "09:15", "09:30", "09:45"];
const FROM = WINDOWS[0]!.start.toISOString();
const TO = WINDOWS.at(-1)!.end.toISOString();
// Every table a step writes: both alert tables are held to the rule (volume_alert stays empty: 20 tweets < 50).
const RESULT_TABLES = METRIC_TABLES;
// Spark steps under load: minutes each on a shared 2-core machine.
const TIMEOUT = 1_800_000;

let root: string;
let clean: TestDb;
let chaos: TestDb;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `trends run` over the range as its own process group (so a SIGKILL takes its spark-submit too). */
function trendsRun(db: TestDb, extra: string[] = []): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(
    process.execPath,
    [BIN, "run", "--input", root, "--from", FROM, "--to", TO, "--master", "local[1]", ...extra],
    {
      env: { ...process.env, DATABASE_URL: db.url, TRENDS_LOG_LEVEL: "warn" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr!.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const done = new Promise<Ran>((resolve) =>
    child.once("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

async function seed(db: Kysely<Database>): Promise<void> {
  const starts = SEEDED.map((hhmm) => new Date(`2026-11-24T${hhmm}:00Z`));
  await db
    .insertInto("sentiment_window")
    .values(seededSentiment(starts, ["*", "acme"]))
    .execute();
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "trends-overlap-"));
  WINDOWS.forEach((w, k) => {
    const hour = `2026/11/24/${w.start.toISOString().slice(11, 13)}/`;
    writeObject(root, hour, `trends-1-2026-11-24-${k}`, windowEvents(w, `w${k + 1}`, 20, SCORES[k]!));
  });
  [clean, chaos] = await Promise.all([migratedDb("overlap_clean"), migratedDb("overlap_chaos")]);
  await Promise.all([seed(clean.db), seed(chaos.db)]);
});

afterAll(async () => {
  await Promise.all([clean?.db.destroy(), chaos?.db.destroy()]);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("overlapping runs: a killed run, two concurrent runs and a scheduler tick", () => {
  it(
    "store exactly what one in-order run stores, and pipeline_run explains every window",
    async () => {
      // The reference, and the chaos starting beside it (the machine has two cores).
      const reference = trendsRun(clean).done;

      const killed = trendsRun(chaos);
      // A range step commits window by window (pipeline_run says `succeeded` only when the step
      // ends), so watch the results themselves.
      await waitFor(
        "two windows committed by the run to be killed",
        async () => {
          const { rows } = await sql<{ n: number }>`
            select count(distinct window_start)::int as n from sentiment_window
            where window_start >= ${WINDOWS[0]!.start}`.execute(chaos.db);
          return (rows[0]?.n ?? 0) >= 2;
        },
        TIMEOUT,
      );
      expect(killed.child.exitCode, "the run to be killed ended before two windows committed").toBeNull();
      process.kill(-killed.child.pid!, "SIGKILL");
      await killed.done;
      // The server frees the dead session's window lock once it sees the closed socket.
      await waitFor(
        "the killed run's window lock to be freed",
        async () => {
          for (const w of WINDOWS) if (await isLocked(chaos.db, windowLockKey(w))) return false;
          return true;
        },
        60_000,
      );

      const tickDb = openDb(chaos.url);
      const jdbc = jdbcFromDatabaseUrl(chaos.url);
      const [a, b, tick] = await Promise.all([
        trendsRun(chaos).done,
        trendsRun(chaos, ["--json"]).done,
        schedulerTick({
          db: tickDb,
          runner: new LocalStepRunner({ spark: sparkInstall(), master: "local[1]", jdbcUser: jdbc.user }),
          input: inputSource(root),
          jdbcUrl: jdbc.jdbcUrl,
          windowMinutes: 15,
          latenessMinutes: 10,
          maxAttempts: 3,
          retryDelayMs: 10,
          owner: "test-tick",
          from: WINDOWS[0]!.start,
          // W5 (11:00–11:15) is the newest due window at 11:25 (10 minutes of lateness).
          now: () => new Date("2026-11-24T11:25:00Z"),
        }).finally(() => tickDb.destroy()),
      ]);
      const ref = await reference;
      expect(ref.code, ref.stderr.slice(-3000)).toBe(0);

      // The clean run's alerts are the hand-worked ones.
      const { rows: alerts } = await sql<{
        window_start: Date;
        topic: string;
        severity: string;
        drop: number;
      }>`
        select window_start, topic, severity, "drop" from sentiment_alert order by window_start, topic`.execute(
        clean.db,
      );
      expect(
        alerts.map((x) => [x.window_start.toISOString(), x.topic, x.severity, x.drop.toFixed(6)]),
      ).toEqual(["*", "acme"].map((t) => [WINDOWS[4]!.start.toISOString(), t, "critical", "0.481250"]));

      // Row for row, every result table.
      for (const table of RESULT_TABLES) {
        expect(await tableRows(chaos.db, table), table).toEqual(await tableRows(clean.db, table));
      }

      // pipeline_run explains every window: attempts never overlapped, each window ends succeeded,
      // and the only other status is the killed run's attempt, interrupted and taken over.
      const { byWindow, overlaps, rows } = await attempts(chaos.db);
      expect(overlaps).toBe(0);
      for (const w of WINDOWS) {
        const k = w.start.toISOString().slice(11, 16);
        expect(byWindow[k]?.at(-1), `${k}: ${byWindow[k]}`).toBe("succeeded");
      }
      const killedOwner = new RegExp(`:${killed.child.pid}:`);
      for (const r of rows) {
        if (r.status === "succeeded") continue;
        expect(r.status, JSON.stringify(r)).toBe("interrupted");
        expect(r.owner).toMatch(killedOwner);
        expect(r.error).toMatch(/stopped before the step ended; taken over by /);
      }
      expect(rows.filter((r) => killedOwner.test(r.owner ?? "")).length).toBeGreaterThanOrEqual(2);

      // Runs that met a window held elsewhere say so, one line per window, and exit 1; the rest 0.
      for (const run of [a, b]) expect([0, 1], run.stderr.slice(-3000)).toContain(run.code);
      const held = a.stdout.split("\n").filter((l) => l.includes("held elsewhere"));
      expect(a.code === 1, a.stdout).toBe(held.length > 0);
      for (const line of held)
        expect(line).toMatch(/check it afterwards with `trends query runs --from \S+ --to \S+`/);
      const json = JSON.parse(b.stdout) as { windows: { status: string }[]; failed: number };
      expect(b.code === 1).toBe(json.windows.some((w) => w.status === "locked"));
      expect(tick.outcomes.every((o) => o.status === "succeeded" || o.status === "locked")).toBe(true);
    },
    TIMEOUT,
  );
});
