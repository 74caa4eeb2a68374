import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, keeping its output (bounded to the last 1 MiB per stream). */
export function run(
  cmd: string,
  args: readonly string[],
  options: SpawnOptions & { onLine?: (line: string) => void } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let partial = "";
    const keep = (acc: string, chunk: string) => (acc.length > 1 << 20 ? acc.slice(-(1 << 19)) : acc) + chunk;
    child.stdout!.on("data", (b: Buffer) => {
      stdout = keep(stdout, b.toString());
    });
    child.stderr!.on("data", (b: Buffer) => {
      const text = b.toString();
      stderr = keep(stderr, text);
      if (options.onLine) {
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) options.onLine(line);
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** First line of `cmd args` (stdout or stderr), or undefined when the command is not there. */
export function probe(cmd: string, args: readonly string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
  if (r.error || r.status !== 0) return undefined;
  return `${r.stdout}\n${r.stderr}`.trim();
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** Polls `ready` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; Date.now() < deadline; delay = Math.min(delay * 2, 1000)) {
    if (await ready().catch(() => false)) return;
    await sleep(delay);
  }
  throw new Error(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s`);
}

/**
 * A cross-process lock on a file (O_EXCL), so two test workers or two `trends setup` runs do not
 * provision the same cache directory at once. A lock older than `staleMs` is taken over.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, staleMs = 30 * 60_000): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    try {
      closeSync(openSync(path, "wx"));
      break;
    } catch {
      try {
        if (Date.now() - statSync(path).mtimeMs > staleMs) rmSync(path, { force: true });
      } catch {
        /* the holder just released it */
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

/** Asks a child to stop with `signal()`, then kills it if it is still there after `graceMs`. */
export function stopProcess(child: ChildProcess, signal: () => void, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      signal();
    } catch {
      child.kill("SIGKILL");
    }
  });
}
