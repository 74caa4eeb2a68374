import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, sep } from "node:path";
import { type ZipOptions, zipSync } from "fflate";
import { prerequisiteError, usageError } from "../../runtime/errors/index.ts";
import { filesUnder, inputDir, pathKind } from "../../runtime/paths/index.ts";
import {
  REPO_ROOT,
  GENERATED_DIR as SPARKGEN_GENERATED_DIR,
  STEP_ENTRY,
  STEP_RUNTIME_DIR,
  WINDOW_JOB_PLAN,
} from "../../sparkgen/index.ts";

/** One file of a step's code: its key under `artifacts/<hash>/` and where it is on disk. */
export interface ArtifactFile {
  readonly key: string;
  readonly path: string;
}

/** sparkgen's committed output: `steps/*.json` (plans), `sql/*.sql`. */
export const GENERATED_DIR = join(REPO_ROOT, SPARKGEN_GENERATED_DIR);
/** The static step runtime: `window_step.py` and the `trends_step` package. */
export const RUNTIME_DIR = join(REPO_ROOT, STEP_RUNTIME_DIR);
/** The window job's plan, keyed as sparkgen writes it under its generated directory. */
export const PLAN_KEY = relative(SPARKGEN_GENERATED_DIR, WINDOW_JOB_PLAN).split(sep).join("/");
export const STEP_SCRIPT_KEY = `runtime/${STEP_ENTRY}`;
/** The live application's entry (live mode on EMR and EMR Serverless), beside the step's. */
const LIVE_ENTRY = "live_step.py";
export const LIVE_SCRIPT_KEY = `runtime/${LIVE_ENTRY}`;
/** The `trends_step` package as one zip, for spark-submit's `--py-files`. */
export const RUNTIME_ZIP_KEY = "runtime/trends_step.zip";

/**
 * The files a step run needs: everything under the generated directory (keys keep their
 * relative paths), the runtime's entry script and package zip under `runtime/`, and the JDBC jar
 * under `jars/`. The window job's plan must be among them.
 */
export function collectArtifacts(o: {
  jdbcJar: string;
  generatedDir?: string;
  runtimeDir?: string;
}): ArtifactFile[] {
  const dir = o.generatedDir ?? GENERATED_DIR;
  // A missing directory is a missing prerequisite (below); anything else there must be a directory.
  const files =
    pathKind(dir) === "missing"
      ? []
      : filesUnder(dir, "--generated-dir").map((path) => ({
          key: relative(dir, path).split(sep).join("/"),
          path,
        }));
  if (!files.some((f) => f.key === PLAN_KEY)) {
    throw prerequisiteError(
      `the generated window job plan ${join(dir, PLAN_KEY)} does not exist`,
      "run `npx trends sparkgen` to generate the steps",
    );
  }
  if (!existsSync(o.jdbcJar)) {
    throw prerequisiteError(`the JDBC driver ${o.jdbcJar} does not exist`, "run `npx trends setup`");
  }
  const runtime = runtimeDirOf(o.runtimeDir ?? RUNTIME_DIR);
  return [
    ...files,
    { key: STEP_SCRIPT_KEY, path: join(runtime, STEP_ENTRY) },
    // Optional: a `--runtime-dir` of an older checkout has no live mode.
    ...(existsSync(join(runtime, LIVE_ENTRY))
      ? [{ key: LIVE_SCRIPT_KEY, path: join(runtime, LIVE_ENTRY) }]
      : []),
    { key: RUNTIME_ZIP_KEY, path: runtimeZip(runtime) },
    { key: `jars/${basename(o.jdbcJar)}`, path: o.jdbcJar },
  ].sort((a, b) => cmp(a.key, b.key));
}

/** What a step runtime directory holds; checked up front so a wrong `--runtime-dir` is one line, not ENOENT. */
const RUNTIME_PARTS = { [STEP_ENTRY]: "file", trends_step: "dir" } as const;

function runtimeDirOf(dir: string): string {
  inputDir(dir, "--runtime-dir");
  for (const [name, kind] of Object.entries(RUNTIME_PARTS))
    if (pathKind(join(dir, name)) !== kind)
      throw usageError(
        `--runtime-dir ${dir} holds no ${name}${kind === "dir" ? "/" : ""}`,
        "name the step runtime directory (window_step.py and trends_step/), or drop the flag for sparkgen/runtime",
      );
  return dir;
}

/**
 * `trends_step/*.py` zipped with fixed timestamps, so the same code gives the same bytes (and the
 * same content hash). Written under the temp directory, named by its own hash.
 */
export function runtimeZip(runtimeDir: string = RUNTIME_DIR): string {
  const pkg = join(runtimeDir, "trends_step");
  const entries = Object.fromEntries(
    readdirSync(pkg)
      .filter((n) => n.endsWith(".py"))
      .sort()
      .map((n): [string, [Uint8Array, ZipOptions]] => [
        `trends_step/${n}`,
        [readFileSync(join(pkg, n)), { mtime: ZIP_TIME }],
      ]),
  );
  const bytes = zipSync(entries, { level: 6 });
  const sha = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), "trends-runtime");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `trends_step-${sha}.zip`);
  if (!existsSync(path)) writeFileSync(path, bytes);
  return path;
}

const ZIP_TIME = new Date("2020-01-01T00:00:00Z");

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
