import { accessSync, constants, lstatSync, readdirSync, type Stats, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { usageError } from "../errors/index.ts";

/**
 * What a path given on the command line is, checked before anything is read or written, so a
 * file where a directory is meant (`--generated-dir /etc/passwd`), a dangling link or a device
 * becomes a one-line usage error naming the flag instead of a stack from deep inside a stage.
 */
export type PathKind = "file" | "dir" | "missing" | "dangling-link" | "other";

export function pathKind(path: string): PathKind {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      try {
        if (lstatSync(path).isSymbolicLink()) return "dangling-link";
      } catch {}
      return "missing";
    }
    if (code === "ELOOP") return "dangling-link";
    throw usageError(`${path} cannot be read (${code})`, "check the path and its permissions");
  }
  return st.isFile() ? "file" : st.isDirectory() ? "dir" : "other";
}

const SAYS: Record<PathKind, string> = {
  file: "is a file",
  dir: "is a directory",
  missing: "does not exist",
  "dangling-link": "is a link to nothing",
  other: "is not a regular file (a device, socket or pipe)",
};

/** An existing regular file to read. */
export function inputFile(path: string, flag: string): string {
  const k = pathKind(path);
  if (k !== "file") throw usageError(`${flag} ${path} ${SAYS[k]}`, "name an existing, readable file");
  return path;
}

/** An existing directory to read. */
export function inputDir(path: string, flag: string): string {
  const k = pathKind(path);
  if (k !== "dir") throw usageError(`${flag} ${path} ${SAYS[k]}`, "name an existing directory");
  return path;
}

/** A file to (over)write: a regular file or nothing yet, in an existing directory. */
export function outputFile(path: string, flag: string): string {
  const k = pathKind(path);
  if (k !== "file" && k !== "missing")
    throw usageError(`${flag} ${path} ${SAYS[k]}`, "name a new or regular file in an existing directory");
  const parent = pathKind(dirname(path));
  if (parent !== "dir")
    throw usageError(
      `${flag} ${path}: its directory ${SAYS[parent]}`,
      "create the directory first, or pick another",
    );
  return path;
}

/**
 * A file replaced atomically beside itself (a temporary file renamed over it) and locked with a
 * lock file next to it: as `outputFile`, and its directory (and the file, if any) writable, so
 * EACCES surfaces now, not at the first checkpoint.
 */
export function writableFile(path: string, flag: string): string {
  outputFile(path, flag);
  for (const p of pathKind(path) === "file" ? [path, dirname(path)] : [dirname(path)]) {
    try {
      accessSync(p, constants.W_OK);
    } catch {
      throw usageError(
        `${flag} ${path}: ${p === path ? "the file" : "its directory"} is not writable`,
        "fix its permissions, or pick another path",
      );
    }
  }
  return path;
}

/** A directory to write into: an existing directory, or nothing yet (it will be created). */
export function outputDir(path: string, flag: string): string {
  const k = pathKind(path);
  if (k !== "dir" && k !== "missing")
    throw usageError(`${flag} ${path} ${SAYS[k]}`, "name a directory (it is created if missing)");
  return path;
}

/**
 * Every regular file under `dir`, recursively, skipping dot-files; a dangling link or a device
 * inside is a usage error naming it rather than an ENOENT from a later read.
 */
export function filesUnder(dir: string, flag: string): string[] {
  inputDir(dir, flag);
  const walk = (d: string): string[] =>
    readdirSync(d)
      .filter((n) => !n.startsWith("."))
      .flatMap((n) => {
        const p = join(d, n);
        const k = pathKind(p);
        if (k === "dir") return walk(p);
        if (k === "file") return [p];
        throw usageError(
          `${flag} ${dir} holds ${p}, which ${SAYS[k]}`,
          "remove it, or regenerate the directory",
        );
      });
  return walk(dir);
}
