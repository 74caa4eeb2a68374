import { type ChildProcess, spawn } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import pg from "pg";
import type { Settings } from "../config/index.ts";
import { prerequisiteError, TrendsError } from "../errors/index.ts";
import { log } from "../log/index.ts";
import { freePort, run, stopProcess, waitFor, withFileLock } from "../proc.ts";

/**
 * A real PostgreSQL server started by the tool itself, for tests and the local mode: Debian's
 * server binaries, a data directory under the cache, loopback TCP only, trust authentication.
 * `DATABASE_URL` bypasses all of this (RDS in production).
 */
export interface LocalPostgres {
  /** postgres://trends@127.0.0.1:PORT/trends */
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

const SUPERUSER = "trends";
const DATABASE = "trends";

export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const bin = process.env.TRENDS_PG_BIN ?? (versions[0] ? join(root, versions[0], "bin") : undefined);
  if (!bin || !existsSync(join(bin, "postgres"))) {
    throw prerequisiteError(
      "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin)",
      "install them: apt-get install postgresql-15 (or set DATABASE_URL to an existing server)",
    );
  }
  return bin;
}

/** As root, the server must run as an unprivileged user who owns the data directory. */
const asServerUser = (cmd: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];

function chownForServer(path: string): void {
  if (process.getuid?.() !== 0) return;
  const passwd = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!passwd)
    throw prerequisiteError(
      "running as root but there is no `postgres` user to run the server",
      "apt-get install postgresql-15 creates it",
    );
  const [, , uid, gid] = passwd.split(":");
  chownSync(path, Number(uid), Number(gid));
}

export async function startLocalPostgres(o: { dataDir: string; port?: number }): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  // Parents readable by the server user; the data directory itself private, as initdb wants.
  mkdirSync(dirname(o.dataDir), { recursive: true });
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  chownForServer(o.dataDir);
  if (!existsSync(join(o.dataDir, "PG_VERSION"))) {
    const [cmd, args] = asServerUser(join(bin, "initdb"), [
      "-D",
      o.dataDir,
      "-U",
      SUPERUSER,
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--locale=C.UTF-8",
      "--no-sync",
    ]);
    const r = await run(cmd, args);
    if (r.code !== 0)
      throw new TrendsError(
        `initdb failed in ${o.dataDir}: ${r.stderr.trim().split("\n").slice(-2).join(" ")}`,
      );
  }
  const port = o.port ?? (await freePort());
  const [cmd, args] = asServerUser(join(bin, "postgres"), [
    "-D",
    o.dataDir,
    "-p",
    String(port),
    "-h",
    "127.0.0.1",
    "-k",
    "",
    // A test and demo server: durability is not the point, speed is.
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=200",
    "-c",
    "shared_buffers=256MB",
  ]);
  // Its own process group: a terminal's Ctrl-C (SIGINT to the foreground group) must not reach the
  // server, whose "fast shutdown" would end the command's open connections with 57P01 before the
  // command has stopped what uses them. The command stops it itself (`stop`, or at exit).
  const child: ChildProcess = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const killOnExit = () => {
    try {
      process.kill(Number(readFileSync(join(o.dataDir, "postmaster.pid"), "utf8").split("\n")[0]), "SIGQUIT");
    } catch {
      child.kill("SIGKILL");
    }
  };
  process.once("exit", killOnExit);
  const admin = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
  try {
    await waitFor(
      `PostgreSQL on port ${port}`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`postgres exited: ${stderr.trim().split("\n").slice(-3).join(" ")}`);
        const c = new pg.Client(admin);
        await c.connect();
        await c.end();
        return true;
      },
      30_000,
    );
  } catch (e) {
    child.kill("SIGKILL");
    throw new TrendsError(`could not start PostgreSQL in ${o.dataDir}: ${(e as Error).message}`);
  }
  await createDatabase(admin, DATABASE);
  writeFileSync(join(o.dataDir, "trends.port"), String(port));
  return {
    url: `postgres://${SUPERUSER}@127.0.0.1:${port}/${DATABASE}`,
    port,
    dataDir: o.dataDir,
    stop: async () => {
      process.removeListener("exit", killOnExit);
      // runuser does not forward signals: signal the postmaster itself ("fast shutdown" on SIGINT
      // rolls back open transactions, then exits).
      const pid = Number(readFileSync(join(o.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      await stopProcess(child, () => process.kill(pid, "SIGINT"));
    },
  };
}

/** CREATE DATABASE if absent; returns its URL on the same server. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new TrendsError(`invalid database name ${JSON.stringify(name)}`);
  const c = new pg.Client(adminUrl);
  await c.connect();
  try {
    const { rowCount } = await c.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) await c.query(`create database "${name}"`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface DatabaseHandle {
  url: string;
  /** Stops the server if this call started it. */
  release(): Promise<void>;
}

/**
 * The results database for a command: `DATABASE_URL` when set, otherwise the local server under
 * the cache directory (started for the command's lifetime, data kept between runs).
 */
export async function openDatabase(s: Settings): Promise<DatabaseHandle> {
  if (s.databaseUrl) return { url: s.databaseUrl, release: async () => {} };
  const dataDir = localDataDir(s);
  return withFileLock(join(s.cacheDir, "pgdata.lock"), async () => {
    const running = await runningLocal(dataDir);
    if (running) return { url: running, release: async () => {} };
    log().debug({ dataDir }, "starting the local PostgreSQL");
    const server = await startLocalPostgres({ dataDir });
    return { url: server.url, release: () => server.stop() };
  });
}

/**
 * Where the local results database lives: under the cache directory, except as root, where the
 * server runs as `postgres` and cannot enter root's home (mode 700): then /var/lib/trends.
 */
export function localDataDir(s: Settings): string {
  return process.getuid?.() === 0 && s.cacheDir.startsWith("/root")
    ? "/var/lib/trends/pgdata"
    : join(s.cacheDir, "pgdata");
}

/** The URL of a local server another trends process already runs on this data directory. */
async function runningLocal(dataDir: string): Promise<string | undefined> {
  const portFile = join(dataDir, "trends.port");
  if (!existsSync(join(dataDir, "postmaster.pid")) || !existsSync(portFile)) return undefined;
  const url = `postgres://${SUPERUSER}@127.0.0.1:${readFileSync(portFile, "utf8").trim()}/${DATABASE}`;
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return url;
  } catch {
    return undefined;
  }
}
