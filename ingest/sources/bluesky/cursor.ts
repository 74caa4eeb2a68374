import { createHash } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { usageError } from "../../../runtime/errors/index.ts";
import { tryLock } from "../../../runtime/lock/index.ts";
import { writableFile } from "../../../runtime/paths/index.ts";
import type { LocalRule } from "./rules.ts";

/**
 * The default cursor of an ingest: one per set of rules and sink destination (`sink`, e.g.
 * `dir:/abs/out`), so two ingests feeding different outputs, or with different rules, never resume
 * from each other's position. Changing the rules starts a new cursor (the stream then starts live).
 */
export function defaultCursorPath(cacheDir: string, rules: readonly LocalRule[], sink: string): string {
  const key = JSON.stringify({ rules: rules.map((r) => `${r.tag}\u0000${r.value}`).sort(), sink });
  return join(cacheDir, "bluesky", `cursor-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`);
}

/**
 * Checks the cursor's path before anything starts (a regular file or none yet, in a writable
 * directory) and takes its lock (`PATH.lock`, holding the pid): one ingest per cursor, since two
 * would each move it past events only the other has delivered. Returns the release.
 */
export function lockCursor(path: string, flag: string | undefined): () => void {
  if (flag === undefined)
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw usageError(
        `the cursor's directory ${dirname(path)} cannot be created (${(e as NodeJS.ErrnoException).code})`,
        "set TRENDS_CACHE_DIR to a writable directory, or pass --cursor-file",
      );
    }
  writableFile(path, flag ?? "the cursor");
  const lock = tryLock(`${path}.lock`);
  if (!lock.ok)
    throw usageError(
      `${flag ?? "the cursor"} ${path} is in use by another ingest (pid ${lock.holder})`,
      `stop that ingest, or give this one its own --cursor-file (a stale ${path}.lock of no running process is taken over)`,
    );
  return lock.release;
}

/**
 * The Jetstream cursor (`time_us` of the last frame whose events the sink has taken), kept in a
 * small file replaced atomically: write a temporary file, fsync it, rename it over the old one,
 * fsync the directory. A crash leaves the old cursor or the new one, never half a number.
 */
export class CursorFile {
  constructor(readonly path: string) {}

  read(): number | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8").trim();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw usageError(`${this.path} does not hold a cursor (microseconds)`, "delete it to start from now");
    return n;
  }

  write(timeUs: number): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, `${timeUs}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    const dir = openSync(dirname(this.path), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}
