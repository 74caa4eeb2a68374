import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tryLock, withLock } from "./index.ts";

const lockPath = () => join(mkdtempSync(join(tmpdir(), "trends-lock-")), "x.lock");
/** The pid of a process that has exited (its lock is stale). */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

describe("pid lock files", () => {
  it("refuses a second holder while the first runs, naming its pid; release frees it", () => {
    const path = lockPath();
    const first = tryLock(path);
    expect(first.ok).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
    expect(tryLock(path)).toEqual({ ok: false, holder: process.pid });
    if (first.ok) first.release();
    expect(existsSync(path)).toBe(false);
    expect(tryLock(path).ok).toBe(true);
  });

  it("takes over a lock whose process is gone, or that holds no pid", () => {
    for (const stale of [`${deadPid()}\n`, "", "garbage"]) {
      const path = lockPath();
      writeFileSync(path, stale);
      const lock = tryLock(path);
      expect(lock.ok, JSON.stringify(stale)).toBe(true);
      expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
    }
  });

  it("withLock gives up on a live holder with the caller's error, and runs fn otherwise", () => {
    const path = lockPath();
    writeFileSync(path, "1\n"); // init: always running
    expect(() =>
      withLock(
        path,
        () => 0,
        (pid) => new Error(`held by ${pid}`),
        50,
      ),
    ).toThrow("held by 1");
    const free = lockPath();
    expect(
      withLock(
        free,
        () => 42,
        () => new Error("busy"),
      ),
    ).toBe(42);
    expect(existsSync(free)).toBe(false);
  });
});
