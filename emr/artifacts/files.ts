import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { prerequisiteError } from "../../runtime/errors/index.ts";
import { filesUnder, pathKind } from "../../runtime/paths/index.ts";

/** One file of a step's code: its key under `artifacts/<hash>/` and where it is on disk. */
export interface ArtifactFile {
  readonly key: string;
  readonly path: string;
}

/** sparkgen's committed output: `steps/*.py`, `sql/*.sql`. */
export const GENERATED_DIR = fileURLToPath(new URL("../../sparkgen/generated/", import.meta.url));
export const STEP_SCRIPT_KEY = "steps/window_job.py";

/**
 * The files a step run needs: everything under the generated directory (keys keep their
 * relative paths) plus the JDBC jar under `jars/`. The window step must be among them.
 */
export function collectArtifacts(o: { jdbcJar: string; generatedDir?: string }): ArtifactFile[] {
  const dir = o.generatedDir ?? GENERATED_DIR;
  // A missing directory is a missing prerequisite (below); anything else there must be a directory.
  const files =
    pathKind(dir) === "missing"
      ? []
      : filesUnder(dir, "--generated-dir").map((path) => ({
          key: relative(dir, path).split(sep).join("/"),
          path,
        }));
  if (!files.some((f) => f.key === STEP_SCRIPT_KEY)) {
    throw prerequisiteError(
      `the generated window step ${join(dir, STEP_SCRIPT_KEY)} does not exist`,
      "run `npx trends sparkgen` to generate the steps",
    );
  }
  if (!existsSync(o.jdbcJar)) {
    throw prerequisiteError(`the JDBC driver ${o.jdbcJar} does not exist`, "run `npx trends setup`");
  }
  return [...files, { key: `jars/${basename(o.jdbcJar)}`, path: o.jdbcJar }].sort((a, b) =>
    cmp(a.key, b.key),
  );
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface HashedFile extends ArtifactFile {
  readonly sha256: string;
  readonly bytes: number;
}

export function hashFiles(files: readonly ArtifactFile[]): { hash: string; files: HashedFile[] } {
  const hashed = [...files]
    .sort((a, b) => cmp(a.key, b.key))
    .map((f) => {
      const body = readFileSync(f.path);
      return { ...f, sha256: createHash("sha256").update(body).digest("hex"), bytes: body.length };
    });
  // The hash covers names and contents, so renaming a file is a new artifact set too.
  const h = createHash("sha256");
  for (const f of hashed) h.update(`${f.key}\0${f.sha256}\n`);
  return { hash: h.digest("hex").slice(0, 20), files: hashed };
}
