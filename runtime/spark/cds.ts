/**
 * A class-data-sharing (AppCDS) archive of the driver JVM's classes, for local spark-submit only.
 * Every local submit loads and verifies the same Spark classes; mapping them from an archive
 * made once saves ~2.5 CPU-s a submit (a trivial PySpark job: 6.5 → 4.1 CPU-s), and making it
 * costs the first submit 7–18 CPU-s once (BENCHMARKS.md, "Class-data sharing for local submits").
 *
 * One archive per Spark install, JDK and jars, under the cache dir. The JVM checks the archive
 * itself and under -Xshare:auto (the default) runs without one it cannot use; the key only keeps
 * us from making archives it would ignore. Its warnings go to stdout, which the step's results
 * are parsed from, so they are off (-Xlog:cds*=off): the archive's dump alone prints hundreds.
 * TRENDS_SPARK_CDS=0 turns all this off. EMR and EMR Serverless never get these options: their
 * submits are built from STEP_SUBMIT_CONF (tuning.ts), not from sparkSubmitArgs.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  accessSync,
  constants,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";
import { log } from "../log/index.ts";

export interface ClassArchive {
  /** The driver's JVM options: use the archive, make it at exit, or none. */
  options: string;
  /** After spark-submit exits: keeps an archive made by a successful run, drops it otherwise. */
  settle(ok: boolean): void;
}

export interface ArchiveRequest {
  /** Where archives are kept (SparkInstall.cdsDir); none: no archive. */
  dir: string | undefined;
  sparkSubmit: string;
  version: string;
  /** The `--jars` of the submit. */
  jars: readonly string[];
  /** The environment spark-submit runs with: its JAVA_HOME or PATH picks the JVM. */
  env: NodeJS.ProcessEnv;
  /** Whether a submit without an archive makes one at its exit. */
  make: boolean;
}

const NONE: ClassArchive = { options: "", settle: () => {} };
const QUIET = "-Xlog:cds*=off";
/** A temp archive older than this belongs to a run that was killed. */
const STALE_MS = 60 * 60_000;
/**
 * The archive is ~125 MB; a JVM that cannot write it exits 1, which would fail a step that
 * succeeded, so an archive is only made with room to spare.
 */
const MIN_FREE_BYTES = 1 << 30;

export function classArchive(r: ArchiveRequest): ClassArchive {
  if (!r.dir || r.env.TRENDS_SPARK_CDS === "0") return NONE;
  const path = archivePath(r, r.dir);
  if (!path) return NONE;
  if (sizeOf(path) > 0) return { options: `${QUIET} -XX:SharedArchiveFile=${path}`, settle: () => {} };
  const temp = r.make ? claimTemp(r.dir, path) : undefined;
  if (!temp) return NONE;
  log().info(
    { archive: path },
    "this submit also makes the driver's class-data archive (once per Spark and JDK)",
  );
  return { options: `${QUIET} -XX:ArchiveClassesAtExit=${temp}`, settle: (ok) => keepOrDrop(temp, path, ok) };
}

/** `<dir>/spark-<version>-<hash>.jsa`, or undefined when the JVM spark-submit would run is not found. */
export function archivePath(r: Omit<ArchiveRequest, "dir" | "make">, dir: string): string | undefined {
  const java = jvmIdentity(r.env);
  if (!java) return undefined;
  const hash = createHash("sha256")
    .update(JSON.stringify([r.sparkSubmit, r.version, r.jars, java]))
    .digest("hex")
    .slice(0, 12);
  return join(dir, `spark-${r.version.replace(/[^\w.-]/g, "_")}-${hash}.jsa`);
}

/**
 * The JVM's home, release and libjvm.so size and time: a new build (an apt upgrade) or vendor
 * changes them, and an archive is valid for one build only. Read from files rather than from
 * `java -version`, which would cost a JVM start per submit.
 */
function jvmIdentity(env: NodeJS.ProcessEnv): string | undefined {
  // spark-class runs $JAVA_HOME/bin/java when JAVA_HOME is set, else `java` on PATH.
  const home = env.JAVA_HOME || javaHomeOnPath(env.PATH ?? "");
  if (!home) return undefined;
  try {
    const real = realpathSync(home);
    const jvm = statSync(join(real, "lib", "server", "libjvm.so"));
    return `${real}\n${readFileSync(join(real, "release"), "utf8")}\n${jvm.size} ${jvm.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function javaHomeOnPath(path: string): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, "java"), constants.X_OK);
      return dirname(dirname(realpathSync(join(dir, "java"))));
    } catch {
      /* not in this directory */
    }
  }
  return undefined;
}

/**
 * A unique temp name for the JVM to write the archive to at exit, created now (the JVM replaces
 * it) so that a concurrent first submit sees it and does not make a second archive. Temps of
 * killed runs are removed here.
 */
function claimTemp(dir: string, path: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    const fresh = removeStaleTemps(dir).filter((f) => f.startsWith(`${basename(path)}.`));
    if (fresh.length > 0 || freeBytes(dir) < MIN_FREE_BYTES) return undefined;
    const temp = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(temp, "", { flag: "wx" });
    return temp;
  } catch (e) {
    log().warn(
      { dir, err: (e as Error).message },
      "cannot make a class-data archive; submitting without one",
    );
    return undefined;
  }
}

/** Removes temp archives older than STALE_MS; returns the names of the others. */
function removeStaleTemps(dir: string): string[] {
  const fresh: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".tmp"))) {
    const file = join(dir, name);
    if (Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > STALE_MS) {
      rmSync(file, { force: true });
    } else fresh.push(name);
  }
  return fresh;
}

/**
 * A rename is atomic on one filesystem: a JVM sees no archive or a whole one. Two first submits
 * that both made one (a race past claimTemp) replace it with an equivalent file; a JVM that
 * mapped the first keeps it. A failed or killed run's archive may be cut short, which the JVM
 * does not survive (SIGBUS), so it is never kept.
 */
function keepOrDrop(temp: string, path: string, ok: boolean): void {
  try {
    if (ok && sizeOf(temp) > 0) renameSync(temp, path);
    else rmSync(temp, { force: true });
  } catch (e) {
    log().warn({ temp, err: (e as Error).message }, "could not keep the class-data archive");
  }
}

const sizeOf = (file: string): number => statSync(file, { throwIfNoEntry: false })?.size ?? 0;

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}
