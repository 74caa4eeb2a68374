import { existsSync, readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { redactUrl } from "../runtime/config/index.ts";
import { usageError } from "../runtime/errors/index.ts";
import type { Database } from "./database.ts";
import { RejectNulPlugin } from "./nul.ts";
import { serverOffersTls } from "./tls-probe.ts";

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
const TLS_PARAMS = ["sslmode", "sslrootcert", "uselibpqcompat", "sslnegotiation"];
/**
 * Client-certificate parameters. pg would read the key file named in the URL (and its passphrase
 * from the URL); this tool logs in with a password, so they are refused rather than dropped.
 */
const CLIENT_CERT_PARAMS = ["sslcert", "sslkey", "sslpassword"];

/**
 * Opens the results database: a `Kysely<Database>` over a `pg.Pool`.
 *
 * TLS follows libpq's `sslmode` in the URL (https://www.postgresql.org/docs/current/libpq-ssl.html):
 * `verify-full` checks the chain against the CA bundle and the host name (use it for RDS),
 * `verify-ca` the chain only, `require` encrypts without verifying (or verifies the chain when a CA
 * is given, as libpq does); `prefer` (also when absent, libpq's default) asks the server for TLS
 * first and falls back to plain TCP when it has none; `disable` and `allow` connect without TLS.
 * `bigint` values are returned as numbers.
 *
 * @example
 * const db = openDb("postgres://app@db.example.eu-west-1.rds.amazonaws.com/trends?sslmode=verify-full",
 *   { caFile: "/etc/ssl/rds-global-bundle.pem", poolSize: 5 });
 * await migrateToLatest(db);
 * await db.destroy();
 */
export function openDb(url: string, options: OpenDbOptions = {}): Kysely<Database> {
  const { config, prefer } = connectionSettings(url, options);
  const newPool = (c: pg.PoolConfig) => {
    const pool = new pg.Pool(c);
    // An idle client losing its connection (server restart, failover) must not crash the process;
    // the pool drops it and the next query opens a new one.
    pool.on("error", () => {});
    return pool;
  };
  // prefer: one SSLRequest before the pool exists decides TLS or plain for the pool's connections
  // (a server does not switch between the two). Kysely retries this on the next query if it fails.
  const pool =
    prefer === undefined
      ? newPool(config)
      : async () =>
          newPool({
            ...config,
            ssl: (await serverOffersTls(prefer.host, prefer.port, PROBE_TIMEOUT_MS)) ? config.ssl : false,
          });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new RejectNulPlugin()] });
}

const CONNECT_TIMEOUT_MS = 15_000;
const PROBE_TIMEOUT_MS = CONNECT_TIMEOUT_MS;

/**
 * The pg.Pool configuration for a URL; exported for tests. With `sslmode=prefer` (or none) its
 * `ssl` is the TLS attempt; `openDb` drops it when the server has no TLS.
 */
export function poolConfig(url: string, options: OpenDbOptions = {}): pg.PoolConfig {
  return connectionSettings(url, options).config;
}

interface ConnectionSettings {
  config: pg.PoolConfig;
  /** Set for sslmode=prefer over TCP: where to ask whether the server speaks TLS. */
  prefer?: { host: string; port: number };
}

function connectionSettings(url: string, options: OpenDbOptions): ConnectionSettings {
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
  const certParams = CLIENT_CERT_PARAMS.filter((p) => parsed.searchParams.has(p));
  if (certParams.length > 0) {
    throw usageError(
      `database URL ${redactUrl(url)} asks for a client certificate (${certParams.join(", ")}), which trends does not support`,
      "remove sslcert/sslkey/sslpassword and log in with a password (sslmode=verify-full still encrypts and checks the server)",
    );
  }
  const mode = parsed.searchParams.get("sslmode") ?? "prefer";
  const caFile = options.caFile ?? parsed.searchParams.get("sslrootcert") ?? undefined;
  for (const p of TLS_PARAMS) parsed.searchParams.delete(p);
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  const config: pg.PoolConfig = {
    connectionString: parsed.toString(),
    max: options.poolSize ?? 10,
    ssl: tlsOptions(mode, caFile),
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? "trends",
    types: { getTypeParser: typeParser },
  };
  if (mode !== "prefer") return { config };
  // `?host=` overrides the URL's host (pg-connection-string); a path there is a Unix socket,
  // over which libpq never uses TLS.
  const host = parsed.searchParams.get("host") ?? parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "" || host.startsWith("/")) return { config: { ...config, ssl: false } };
  return { config, prefer: { host, port: Number(parsed.searchParams.get("port") ?? parsed.port) || 5432 } };
}

function tlsOptions(mode: string, caFile: string | undefined): ConnectionOptions | false {
  const ca = caFile === undefined ? undefined : readCa(caFile);
  const withCa = ca === undefined ? {} : { ca };
  switch (mode) {
    case "disable":
    case "allow":
      return false;
    case "prefer":
      // libpq's prefer encrypts when it can but never verifies the server.
      return { rejectUnauthorized: false };
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
        "use sslmode=verify-full (RDS), verify-ca, require, prefer or disable",
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
