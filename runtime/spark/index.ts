import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { prerequisiteError, TrendsError } from "../errors/index.ts";
import { log } from "../log/index.ts";
import { probe, type RunResult, run, withFileLock } from "../proc.ts";
import { type ArchiveRequest, classArchive } from "./cds.ts";
import { jvmOptions } from "./jvm.ts";
import { STEP_SUBMIT_CONF } from "./tuning.ts";

export { classArchive } from "./cds.ts";
export { jvmOptions, LARGE_INPUT_BYTES, localInputBytes } from "./jvm.ts";
export { STEP_SUBMIT_CONF } from "./tuning.ts";

/** Spark of the newest EMR 7 release (EMR 7.13 ships Spark 3.5.6). */
export const PYSPARK_VERSION = process.env.TRENDS_PYSPARK_VERSION ?? "3.5.6";
/** Spark of Amazon's runtime emr-spark-8.0.0 (Spark 4.0.2); the second Spark the tests run on. */
export const PYSPARK_4_VERSION = "4.0.2";
/** PostgreSQL JDBC driver passed to every step with `--jars`. */
export const JDBC_VERSION = "42.7.14";
const JDBC_SHA1 = "0e7c94ce80cb1dd9875ff44ffe6a40a8aaa3eefd";
const MAVEN = "https://repo1.maven.org/maven2";

export interface SparkInstall {
  sparkSubmit: string;
  /** The Python the driver and executors run (the virtualenv's). */
  python: string;
  jdbcJar: string;
  version: string;
  /** Where the driver's class-data archives are kept (cds.ts); none: local submits run without. */
  cdsDir?: string;
}

export interface ProvisionOptions {
  cacheDir: string;
  sparkHome?: string | undefined;
  /** Install what is missing (`trends setup`); otherwise a missing piece is a prerequisite error. */
  install?: boolean;
  /** PySpark version of the virtualenv (default PYSPARK_VERSION); each version has its own. */
  version?: string | undefined;
}

/** Java 17+ major version, or a prerequisite error with the install command. */
export function checkJava(): number {
  const out = probe("java", ["-version"]);
  const major = out ? Number(/version "(?:1\.)?(\d+)/.exec(out)?.[1]) : Number.NaN;
  if (!out || Number.isNaN(major)) {
    throw prerequisiteError(
      "Java was not found; Spark needs Java 17 or newer",
      "install it: apt-get install openjdk-17-jre-headless (or set JAVA_HOME and PATH)",
    );
  }
  if (major < 17) {
    throw prerequisiteError(
      `Java ${major} found; Spark steps need Java 17 or newer`,
      "install OpenJDK 17 and put it first on PATH",
    );
  }
  return major;
}

/** Python 3.10+ version string, or a prerequisite error with the install command. */
export function checkPython(): string {
  const out = probe("python3", ["--version"]);
  const m = out ? /Python (\d+)\.(\d+)/.exec(out) : null;
  if (!m)
    throw prerequisiteError(
      "python3 was not found; the pinned PySpark needs Python 3.10+",
      "install it: apt-get install python3 python3-venv",
    );
  if (Number(m[1]) < 3 || (Number(m[1]) === 3 && Number(m[2]) < 10)) {
    throw prerequisiteError(
      `Python ${m[1]}.${m[2]} found; PySpark needs 3.10+`,
      "install Python 3.10 or newer as python3",
    );
  }
  return `${m[1]}.${m[2]}`;
}

export const pysparkDir = (cacheDir: string, version = PYSPARK_VERSION): string =>
  join(cacheDir, `pyspark-${version}`);
export const jdbcJarPath = (cacheDir: string): string =>
  join(cacheDir, "jars", `postgresql-${JDBC_VERSION}.jar`);
export const cdsDir = (cacheDir: string): string => join(cacheDir, "cds");
const READY = ".trends-ready";

/**
 * Finds (and with `install`, provisions) spark-submit, the Python it runs and the JDBC jar.
 * Idempotent: a ready virtualenv carries a marker written last, so an interrupted install is redone.
 */
export async function ensureSpark(o: ProvisionOptions): Promise<SparkInstall> {
  checkJava();
  if (o.sparkHome) {
    const sparkSubmit = join(o.sparkHome, "bin", "spark-submit");
    if (!existsSync(sparkSubmit)) {
      throw prerequisiteError(
        `SPARK_HOME=${o.sparkHome} has no bin/spark-submit`,
        "point SPARK_HOME at a Spark 3.5+ installation, or unset it to use the pinned PySpark",
      );
    }
    const jdbcJar = await ensureJdbcJar(o);
    return {
      sparkSubmit,
      python: process.env.PYSPARK_PYTHON ?? "python3",
      jdbcJar,
      version: "SPARK_HOME",
      cdsDir: cdsDir(o.cacheDir),
    };
  }
  const version = o.version ?? PYSPARK_VERSION;
  const dir = pysparkDir(o.cacheDir, version);
  const sparkSubmit = join(dir, "bin", "spark-submit");
  const python = join(dir, "bin", "python");
  if (!existsSync(join(dir, READY))) {
    if (!o.install) {
      throw prerequisiteError(
        `spark-submit not found: PySpark ${version} is not installed in ${dir}`,
        "run `npx trends setup` (or set SPARK_HOME to an existing Spark)",
      );
    }
    checkPython();
    await withFileLock(`${dir}.lock`, async () => {
      if (existsSync(join(dir, READY))) return;
      log().info({ dir }, `installing pyspark==${version} (about 300 MB, once per machine)`);
      await mustRun("python3", ["-m", "venv", dir]);
      await mustRun(join(dir, "bin", "pip"), ["install", "--quiet", `pyspark==${version}`]);
      writeFileSync(join(dir, READY), `${version}\n`);
    });
  }
  return { sparkSubmit, python, jdbcJar: await ensureJdbcJar(o), version, cdsDir: cdsDir(o.cacheDir) };
}

/** Downloads the JDBC driver once from Maven Central and checks its SHA-1. */
export async function ensureJdbcJar(o: ProvisionOptions): Promise<string> {
  const path = jdbcJarPath(o.cacheDir);
  if (existsSync(path)) return path;
  if (!o.install) {
    throw prerequisiteError(
      `PostgreSQL JDBC driver ${JDBC_VERSION} is not in ${path}`,
      "run `npx trends setup`",
    );
  }
  const url = `${MAVEN}/org/postgresql/postgresql/${JDBC_VERSION}/postgresql-${JDBC_VERSION}.jar`;
  const bytes = await download(url);
  const sha1 = createHash("sha1").update(bytes).digest("hex");
  if (sha1 !== JDBC_SHA1)
    throw new TrendsError(`${url} has SHA-1 ${sha1}, expected ${JDBC_SHA1}`, {
      fix: "retry; if it persists, report it",
    });
  mkdirSync(join(o.cacheDir, "jars"), { recursive: true });
  writeFileSync(`${path}.part`, bytes);
  renameSync(`${path}.part`, path);
  return path;
}

/** Fetches a Maven artifact into the cache (used for hadoop-aws in the s3a path). */
export async function ensureMavenJar(
  cacheDir: string,
  group: string,
  artifact: string,
  version: string,
): Promise<string> {
  const path = join(cacheDir, "jars", `${artifact}-${version}.jar`);
  if (existsSync(path)) return path;
  const bytes = await download(
    `${MAVEN}/${group.replaceAll(".", "/")}/${artifact}/${version}/${artifact}-${version}.jar`,
  );
  mkdirSync(join(cacheDir, "jars"), { recursive: true });
  writeFileSync(`${path}.part`, bytes);
  renameSync(`${path}.part`, path);
  return path;
}

async function download(url: string): Promise<Buffer> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    } catch (e) {
      if (attempt >= 4)
        throw new TrendsError(`could not download ${url}: ${(e as Error).message}`, {
          fix: "check the network access to Maven Central and retry `npx trends setup`",
        });
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}

async function mustRun(cmd: string, args: string[]): Promise<void> {
  const r = await run(cmd, args);
  if (r.code !== 0)
    throw new TrendsError(
      `${cmd} ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" ")}`,
    );
}

export const LOG4J_CONFIG = fileURLToPath(new URL("./log4j2.properties", import.meta.url));

export interface SubmitOptions {
  spark: SparkInstall;
  script: string;
  args: readonly string[];
  master?: string;
  /** Extra `--conf` pairs (s3a endpoint, memory…). */
  conf?: Readonly<Record<string, string>>;
  jars?: readonly string[];
  /** The step's input size when known (`localInputBytes`): picks the driver's JIT and collector (jvm.ts). */
  inputBytes?: number | undefined;
  /** The driver's class-data archive options (`withClassArchive`, cds.ts). */
  archiveOptions?: string;
  /** Environment of the driver: credentials go here, never into arguments. */
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}

/**
 * `spark-submit --master local[*]` on a generated step: quiet logging, no UI, the step's static
 * settings (tuning.ts), the driver's JIT and collector by input size (jvm.ts) and its class-data archive (cds.ts).
 */
export function sparkSubmitArgs(
  o: Omit<SubmitOptions, "spark" | "env" | "onLine"> & { jdbcJar: string },
): string[] {
  const conf: Record<string, string> = {
    "spark.ui.enabled": "false",
    ...STEP_SUBMIT_CONF,
    ...o.conf,
    // A caller's JVM options come after these, so they add to them (or override one: the last wins).
    "spark.driver.extraJavaOptions": [
      jvmOptions(o.inputBytes),
      o.archiveOptions ?? "",
      `-Dlog4j2.configurationFile=file:${LOG4J_CONFIG}`,
      o.conf?.["spark.driver.extraJavaOptions"] ?? "",
    ]
      .filter(Boolean)
      .join(" "),
  };
  return [
    "--master",
    o.master ?? "local[*]",
    "--jars",
    [o.jdbcJar, ...(o.jars ?? [])].join(","),
    ...Object.entries(conf).flatMap(([k, v]) => ["--conf", `${k}=${v}`]),
    o.script,
    ...o.args,
  ];
}

export function sparkSubmit(o: SubmitOptions): Promise<RunResult> {
  const env = {
    ...process.env,
    PYSPARK_PYTHON: o.spark.python,
    PYSPARK_DRIVER_PYTHON: o.spark.python,
    ...o.env,
  };
  return withClassArchive({ ...o, env }, (archiveOptions) =>
    run(o.spark.sparkSubmit, sparkSubmitArgs({ ...o, jdbcJar: o.spark.jdbcJar, archiveOptions }), {
      env,
      ...(o.onLine ? { onLine: o.onLine } : {}),
    }),
  );
}

/**
 * Runs one local spark-submit with the driver's class-data archive (cds.ts): its JVM options go
 * to `submit`, and an archive the run made is kept only when spark-submit exits 0. `make`: false
 * uses an archive but never makes one.
 */
export async function withClassArchive(
  o: { spark: SparkInstall; jars?: readonly string[] | undefined; env: NodeJS.ProcessEnv },
  submit: (archiveOptions: string) => Promise<RunResult>,
  make = true,
): Promise<RunResult> {
  const archive = classArchive(archiveRequest(o, make));
  let ok = false;
  try {
    const r = await submit(archive.options);
    ok = r.code === 0;
    return r;
  } finally {
    archive.settle(ok);
  }
}

/** What picks the driver's archive (cds.ts); `make`: whether a submit without one makes it. */
export const archiveRequest = (
  o: { spark: SparkInstall; jars?: readonly string[] | undefined; env: NodeJS.ProcessEnv },
  make: boolean,
): ArchiveRequest => ({
  dir: o.spark.cdsDir,
  sparkSubmit: o.spark.sparkSubmit,
  version: o.spark.version,
  jars: [o.spark.jdbcJar, ...(o.jars ?? [])],
  env: o.env,
  make,
});

/**
 * hadoop-aws must equal the Hadoop bundled with PySpark 3.5 (3.3.4), with the AWS SDK bundle it was
 * built against (FACTS.md, "s3a from local Spark"). Only the local s3a path needs them; EMR has its own.
 */
const S3A_ARTIFACTS = [
  ["org.apache.hadoop", "hadoop-aws", "3.3.4"],
  ["com.amazonaws", "aws-java-sdk-bundle", "1.12.262"],
] as const;

export async function ensureS3aJars(o: { cacheDir: string; install?: boolean }): Promise<string[]> {
  const paths = S3A_ARTIFACTS.map(([, a, v]) => join(o.cacheDir, "jars", `${a}-${v}.jar`));
  if (paths.every((p) => existsSync(p))) return paths;
  if (!o.install) {
    throw prerequisiteError(
      "the s3a jars (hadoop-aws 3.3.4) are not in the cache",
      "run `npx trends setup --with-s3a`",
    );
  }
  return Promise.all(S3A_ARTIFACTS.map(([g, a, v]) => ensureMavenJar(o.cacheDir, g, a, v)));
}

/**
 * Spark settings for reading `s3a://` from an AWS-compatible endpoint (moto locally). Credentials
 * come from the driver's environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), never from `--conf`.
 */
export function s3aConf(endpoint: string, region: string): Record<string, string> {
  const u = new URL(endpoint);
  return {
    "spark.hadoop.fs.s3a.endpoint": u.host,
    "spark.hadoop.fs.s3a.endpoint.region": region,
    "spark.hadoop.fs.s3a.path.style.access": "true",
    "spark.hadoop.fs.s3a.connection.ssl.enabled": String(u.protocol === "https:"),
    "spark.hadoop.fs.s3a.aws.credentials.provider":
      "com.amazonaws.auth.EnvironmentVariableCredentialsProvider",
    "spark.hadoop.fs.s3a.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
    // `s3://` URIs are EMR's; locally they go through s3a too.
    "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
  };
}
