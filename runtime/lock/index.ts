import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";

/**
 * An exclusive lock file holding its owner's pid, for state one process at a time may change (a
 * cursor, the rules file). It is created whole with link(2), which fails if the file exists, so a
 * reader never sees an empty lock. A lock whose pid is no longer running (a SIGKILLed or crashed
 * owner) is stale and taken over; a lock of a live process is not, whatever its age. Unlike
 * `withFileLock` in runtime/proc.ts (age-based, for caches provisioned for minutes), it needs no
 * guess at how long a holder may legitimately run.
 */
export type LockAttempt = { ok: true; release: () => void } | { ok: false; holder: number };

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

const contents = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

export function tryLock(path: string): LockAttempt {
  const mine = `${process.pid}\n`;
  const tmp = `${path}.${process.pid}.new`;
  writeFileSync(tmp, mine);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, path);
        return { ok: true, release: holdUntilExit(path, mine) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const seen = contents(path);
      if (seen === undefined) continue; // released meanwhile
      const holder = Number(seen.trim());
      if (Number.isSafeInteger(holder) && holder > 0 && alive(holder)) return { ok: false, holder };
      takeOver(path, seen);
    }
    throw new Error(`${path}: could not take the lock after 5 attempts`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Moves a stale lock aside and checks it is the one judged stale: another process may have taken
 * it over and locked it in between, and then its lock is put back.
 */
function takeOver(path: string, stale: string): void {
  const grave = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, grave);
  } catch {
    return; // someone else moved it
  }
  if (contents(grave) !== stale) {
    try {
      linkSync(grave, path);
    } catch {}
  }
  rmSync(grave, { force: true });
}

function holdUntilExit(path: string, mine: string): () => void {
  const release = () => {
    process.off("exit", release);
    // Only our own lock: never one a later owner took over.
    if (contents(path) === mine) unlinkSync(path);
  };
  process.on("exit", release);
  return release;
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `fn` holding the lock, waiting up to `waitMs` for a live holder to finish (a short
 * read-modify-write); past that, throws `busy(holder)`.
 */
export function withLock<T>(path: string, fn: () => T, busy: (holder: number) => Error, waitMs = 10_000): T {
  const deadline = Date.now() + waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const lock = tryLock(path);
    if (lock.ok) {
      try {
        return fn();
      } finally {
        lock.release();
      }
    }
    if (Date.now() >= deadline) throw busy(lock.holder);
    pause(delay);
  }
}
