import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { usageError } from "../../../runtime/errors/index.ts";

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
