import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jdbcJarPath } from "../../runtime/spark/index.ts";
import { sparkInstall } from "../support/services.ts";
import { TIMEOUT } from "./live-support.ts";

/*
 * Ctrl-C of `trends schedule --live` with the local PostgreSQL the command starts itself: a
 * terminal sends SIGINT to the whole foreground process group. The server used to be in that group,
 * so its fast shutdown ended the scheduler's and the live application's connections (57P01) and the
 * command crashed with a stack trace. Now: one line, exit 130, and nothing left running.
 */
// No window is due: only live mode and the scheduler's idle loop run.
const FUTURE = "2099-01-01T00:00:00Z";
const BIN = fileURLToPath(new URL("../../bin/trends.js", import.meta.url));
let cache: string;

beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), "trends-live-stop-"));
  // As root the server runs as `postgres`, which must be able to enter the cache directory.
  chmodSync(cache, 0o755);
  // The run's PySpark and JDBC driver, without installing them again into this cache.
  const pyspark = dirname(dirname(sparkInstall().sparkSubmit));
  symlinkSync(pyspark, join(cache, basename(pyspark)));
  mkdirSync(dirname(jdbcJarPath(cache)), { recursive: true });
  symlinkSync(sparkInstall().jdbcJar, jdbcJarPath(cache));
  mkdirSync(join(cache, "raw"));
});

afterAll(() => {
  if (cache) rmSync(cache, { recursive: true, force: true });
}, TIMEOUT);

/** Backends of the live application (the JDBC driver's default application name). */
async function liveConnections(): Promise<number> {
  const portFile = join(cache, "pgdata", "trends.port");
  if (!existsSync(portFile)) return 0;
  const c = new pg.Client(`postgres://trends@127.0.0.1:${readFileSync(portFile, "utf8").trim()}/trends`);
  try {
    await c.connect();
    const r = await c.query(
      "select count(*) as n from pg_stat_activity where application_name like 'PostgreSQL JDBC%'",
    );
    return Number(r.rows[0].n);
  } catch {
    return 0;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Live processes whose command line names `text`. */
function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmd.includes(text)) found.push(`${pid} ${cmd.slice(0, 200)}`);
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

describe("e2e: Ctrl-C of trends schedule --live", () => {
  it(
    "stops with one line and exit 130, the live application and the local PostgreSQL with it",
    async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, TRENDS_CACHE_DIR: cache, TRENDS_LOG_LEVEL: "warn" };
      delete env.DATABASE_URL;
      delete env.SPARK_HOME;
      // Its own process group, as a shell puts a foreground job: the group gets the SIGINT.
      const child = spawn(
        process.execPath,
        [
          BIN,
          "schedule",
          "--input",
          join(cache, "raw"),
          "--live",
          "--refresh",
          "2s",
          "--every",
          "1h",
          "--from",
          FUTURE,
        ],
        { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (b: Buffer) => {
        stderr += b.toString();
      });
      child.stdout.resume();
      const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
      const deadline = Date.now() + 900_000;
      while ((await liveConnections()) === 0) {
        expect(child.exitCode, stderr).toBeNull();
        if (Date.now() > deadline) throw new Error(`the live application never connected:\n${stderr}`);
        await sleep(500);
      }
      const before = stderr.length;
      process.kill(-child.pid!, "SIGINT");
      expect(await exited).toBe(130);
      expect(stderr.slice(before)).toBe("schedule: stopped by SIGINT\n");
      expect(stderr).not.toMatch(/57P01|\n\s+at |unexpected error/);
      // the server it started is stopped (postmaster.pid is removed at shutdown), and so is every
      // process of the live application (their command lines name the checkpoint in this cache)
      expect(existsSync(join(cache, "pgdata", "postmaster.pid"))).toBe(false);
      expect(processesNaming(cache)).toEqual([]);
    },
    TIMEOUT,
  );
});
