import { existsSync, readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { redactUrl } from "../runtime/config/index.ts";
import { usageError } from "../runtime/errors/index.ts";
import type { Database } from "./database.ts";
import { RejectNulPlugin } from "./nul.ts";

export interface OpenDbOptions {
  /** Connections in the pool (setting `databasePoolSize`). Default 10. */
  poolSize?: number;
  /** Server-side statement_timeout in ms, 0 = none (setting `databaseStatementTimeoutMs`). Default 30 s. */
  statementTimeoutMs?: number;
  /**
   * CA bundle (PEM) that signs the server certificate (setting `databaseCaFile`), e.g. the RDS
   * global bundle https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem.
   * Overrides `sslrootcert` in the URL.
   */
  caFile?: string;
  /** Shown in pg_stat_activity. Default "trends". */
  applicationName?: string;
}

/** URL parameters handled here instead of by pg-connection-string (whose `require` means verify-full). */
const TLS_PARAMS = ["sslmode", "sslrootcert", "sslcert", "sslkey", "uselibpqcompat", "sslnegotiation"];

/**
 * Opens the results database: a `Kysely<Database>` over a `pg.Pool`.
 *
 * TLS follows libpq's `sslmode` in the URL (https://www.postgresql.org/docs/current/libpq-ssl.html):
 * `verify-full` checks the chain against the CA bundle and the host name (use it for RDS),
 * `verify-ca` the chain only, `require` encrypts without verifying (or verifies the chain when a CA
 * is given, as libpq does); `disable`, `allow`, `prefer` or none connect without TLS.
 * `bigint` values are returned as numbers.
 *
 * @example
 * const db = openDb("postgres://app@db.example.eu-west-1.rds.amazonaws.com/trends?sslmode=verify-full",
 *   { caFile: "/etc/ssl/rds-global-bundle.pem", poolSize: 5 });
 * await migrateToLatest(db);
 * await db.destroy();
 */
export function openDb(url: string, options: OpenDbOptions = {}): Kysely<Database> {
  const pool = new pg.Pool(poolConfig(url, options));
  // An idle client losing its connection (server restart, failover) must not crash the process;
  // the pool drops it and the next query opens a new one.
  pool.on("error", () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new RejectNulPlugin()] });
}

/** The pg.Pool configuration for a URL; exported for tests. */
export function poolConfig(url: string, options: OpenDbOptions = {}): pg.PoolConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(
      `database URL ${redactUrl(url)} is not a URL`,
      "write it like postgres://user@host:5432/db",
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw usageError(
      `database URL ${redactUrl(url)} is not a postgres:// URL`,
      "write it like postgres://user@host:5432/db",
    );
  }
  const mode = parsed.searchParams.get("sslmode") ?? "prefer";
  const caFile = options.caFile ?? parsed.searchParams.get("sslrootcert") ?? undefined;
  for (const p of TLS_PARAMS) parsed.searchParams.delete(p);
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  return {
    connectionString: parsed.toString(),
    max: options.poolSize ?? 10,
    ssl: tlsOptions(mode, caFile),
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
    connectionTimeoutMillis: 15_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? "trends",
    types: { getTypeParser: typeParser },
  };
}

function tlsOptions(mode: string, caFile: string | undefined): ConnectionOptions | false {
  const ca = caFile === undefined ? undefined : readCa(caFile);
  const withCa = ca === undefined ? {} : { ca };
  switch (mode) {
    case "disable":
    case "allow":
    case "prefer":
      return false;
    case "require":
      // libpq: with a root certificate, `require` behaves as `verify-ca`.
      return ca === undefined
        ? { rejectUnauthorized: false }
        : { ...withCa, checkServerIdentity: () => undefined };
    case "verify-ca":
      return { ...withCa, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return { ...withCa, rejectUnauthorized: true };
    default:
      throw usageError(
        `sslmode=${JSON.stringify(mode)} in the database URL is not a libpq sslmode`,
        "use sslmode=verify-full (RDS), verify-ca, require or disable",
      );
  }
}

function readCa(path: string): string {
  if (!existsSync(path)) {
    throw usageError(
      `CA bundle ${path} (databaseCaFile / sslrootcert) does not exist`,
      "download the RDS bundle from https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem and point TRENDS_DATABASE_CA_FILE at it",
    );
  }
  return readFileSync(path, "utf8");
}

const INT8_OID = 20;

/** int8 → number: every bigint here is a count or an id, far below 2^53. Other types as pg does. */
function typeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === INT8_OID && format !== "binary") return (v: string) => Number(v);
  return format === "binary" ? pg.types.getTypeParser(oid, "binary") : pg.types.getTypeParser(oid, "text");
}
