import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Settings } from "../config/index.ts";
import { redactUrl } from "../config/index.ts";
import { isTrendsError, messageOf } from "../errors/index.ts";
import { motoDir } from "../moto/index.ts";
import { postgresBinDir } from "../postgres/index.ts";
import { checkJava, checkPython, ensureJdbcJar, ensureSpark, PYSPARK_VERSION } from "../spark/index.ts";
import { findVader } from "../vader/index.ts";

export type CheckStatus = "ok" | "fail" | "skip";

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was found (ok) or what is wrong (fail) or why it does not apply (skip). */
  detail: string;
  /** The exact fix, for a failed check. */
  fix?: string;
}

type Check = (s: Settings) => Promise<CheckResult> | CheckResult;

const guard =
  (name: string, fn: (s: Settings) => Promise<string> | string): Check =>
  async (s) => {
    try {
      return { name, status: "ok", detail: await fn(s) };
    } catch (e) {
      return {
        name,
        status: "fail",
        detail: messageOf(e),
        ...(isTrendsError(e) && e.fix ? { fix: e.fix } : {}),
      };
    }
  };

const checks: Check[] = [
  guard("Node.js", () => {
    const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
    if (major < 20 || (major === 20 && minor < 19))
      throw Object.assign(new Error(`Node ${process.versions.node} is too old`));
    return `v${process.versions.node}`;
  }),
  guard("Java", () => `Java ${checkJava()}`),
  guard("Python", () => `Python ${checkPython()}`),
  guard("PySpark", async (s) => {
    const spark = await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome, install: false });
    return `${spark.version === "SPARK_HOME" ? `SPARK_HOME=${s.sparkHome}` : `pyspark ${PYSPARK_VERSION}`}: ${spark.sparkSubmit}`;
  }),
  guard("JDBC driver", async (s) => ensureJdbcJar({ cacheDir: s.cacheDir, install: false })),
  guard("VADER lexicons", (s) => {
    const v = findVader(s.cacheDir);
    return `vaderSentiment ${v.version}: ${v.lexicon}`;
  }),
  guard("Database", async (s) => {
    if (!s.databaseUrl)
      return `local PostgreSQL (server binaries in ${postgresBinDir()}); set DATABASE_URL for RDS`;
    const c = new pg.Client({ connectionString: s.databaseUrl, connectionTimeoutMillis: 5000 });
    try {
      await c.connect();
      const { rows } = await c.query<{ v: string }>("show server_version");
      return `${redactUrl(s.databaseUrl)} (PostgreSQL ${rows[0]?.v})`;
    } catch (e) {
      throw Object.assign(new Error(`cannot reach ${redactUrl(s.databaseUrl)}: ${messageOf(e)}`));
    } finally {
      await c.end().catch(() => {});
    }
  }),
  (s) => {
    if (s.awsEndpoint) return { name: "AWS", status: "ok", detail: `local endpoint ${s.awsEndpoint}` };
    const region = s.awsRegion ?? process.env.AWS_DEFAULT_REGION;
    const creds =
      Boolean(process.env.AWS_ACCESS_KEY_ID) ||
      Boolean(process.env.AWS_PROFILE) ||
      Boolean(process.env.AWS_WEB_IDENTITY_TOKEN_FILE) ||
      Boolean(process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) ||
      existsSync(join(homedir(), ".aws", "credentials"));
    if (!region)
      return {
        name: "AWS",
        status: "skip",
        detail: "no region set (needed only for Firehose/EMR)",
        fix: "export AWS_REGION=eu-west-1",
      };
    if (!creds)
      return {
        name: "AWS",
        status: "skip",
        detail: `region ${region}; no credentials found in env or ~/.aws (an instance role may still work)`,
      };
    return { name: "AWS", status: "ok", detail: `region ${region}, credentials from the default chain` };
  },
  (s) =>
    s.xBearerToken
      ? { name: "X API", status: "ok", detail: "X_BEARER_TOKEN is set" }
      : { name: "X API", status: "skip", detail: "X_BEARER_TOKEN not set (needed only for --source x)" },
  (s) => {
    if (!s.googleCredentials)
      return {
        name: "Google NL",
        status: "skip",
        detail: "GOOGLE_APPLICATION_CREDENTIALS not set (needed only for --sentiment google)",
      };
    return existsSync(s.googleCredentials)
      ? { name: "Google NL", status: "ok", detail: s.googleCredentials }
      : {
          name: "Google NL",
          status: "fail",
          detail: `GOOGLE_APPLICATION_CREDENTIALS points at a missing file ${s.googleCredentials}`,
          fix: "point it at the service-account JSON key",
        };
  },
  (s) =>
    existsSync(join(motoDir(s.cacheDir), ".trends-ready"))
      ? { name: "Local AWS endpoint", status: "ok", detail: `moto in ${motoDir(s.cacheDir)}` }
      : {
          name: "Local AWS endpoint",
          status: "skip",
          detail: "moto not installed (tests and the demo's AWS path)",
          fix: "npx trends setup --with-moto",
        },
];

/** Every prerequisite, checked in order; nothing is installed or changed. */
export async function runDoctor(s: Settings): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const check of checks) out.push(await check(s));
  return out;
}
