import { ExitCode, isTrendsError, NETWORK_ERROR_CODES } from "../runtime/errors/index.ts";
import { log } from "../runtime/log/index.ts";
import { terminalSafe } from "../runtime/terminal/index.ts";

/**
 * The one place errors become messages and exit codes. A TrendsError is the user's to fix: one
 * line, the fix on the next, no stack. Network and AWS service errors that escaped a stage are
 * external failures: one line too, exit 1. Anything else is a bug: logged with its stack, exit 1.
 */
export function reportError(e: unknown): number {
  if (isTrendsError(e)) {
    // A message may quote user input (a flag's value, a file's line): neutralised like stdout.
    process.stderr.write(`trends: ${terminalSafe(e.message)}\n`);
    if (e.fix) process.stderr.write(`  fix: ${terminalSafe(e.fix)}\n`);
    return e.exitCode;
  }
  const listen = describeListen(e);
  if (listen) {
    process.stderr.write(`trends: ${listen.message}\n  fix: ${listen.fix}\n`);
    return ExitCode.Usage;
  }
  const external = describeExternal(e);
  if (external) {
    process.stderr.write(`trends: ${external.message}\n  fix: ${external.fix}\n`);
    return ExitCode.Failure;
  }
  log().error({ err: e }, "unexpected error (a bug: please report it with this output)");
  return ExitCode.Failure;
}

const LISTEN_ERRORS: Record<string, { says: string; fix: string }> = {
  EADDRNOTAVAIL: {
    says: "is not an address of this machine",
    fix: "pass --host with one of this machine's addresses (`ip -brief address`), 127.0.0.1 or 0.0.0.0",
  },
  EADDRINUSE: { says: "is already in use", fix: "pick another --port (0 picks a free one)" },
  EACCES: { says: "needs privileges this user lacks", fix: "use a --port of 1024 or above" },
};

/**
 * A server that cannot bind (`serve --host` with an address the machine lacks, a taken port) is
 * the user's choice of address: one line and exit 2, whichever server raised it.
 */
export function describeListen(e: unknown): { message: string; fix: string } | undefined {
  if (!(e instanceof Error)) return undefined;
  const err = e as Error & {
    code?: string;
    syscall?: string;
    address?: string;
    port?: number;
    hostname?: string;
  };
  const known = err.code ? LISTEN_ERRORS[err.code] : undefined;
  if (!known || err.syscall !== "listen") return undefined;
  const where = `${err.address ?? "the address"}${err.port === undefined ? "" : `:${err.port}`}`;
  return { message: `cannot listen on ${where}: it ${known.says} (${err.code})`, fix: known.fix };
}

/** SQLSTATEs of a server that shut down or dropped the connection (classes 57P and 08). */
const DB_GONE = /^(57P0[1-3]|08[0-9A-Z]{3})$/;

/** A one-line account of a network error or an AWS service error, after the SDK's retries. */
export function describeExternal(e: unknown): { message: string; fix: string } | undefined {
  if (!(e instanceof Error)) return undefined;
  const err = e as Error & {
    code?: string;
    address?: string;
    port?: number;
    $metadata?: { httpStatusCode?: number; attempts?: number };
  };
  if (err.code && NETWORK_ERROR_CODES.has(err.code)) {
    const where = err.address ? ` ${err.address}${err.port ? `:${err.port}` : ""}` : "";
    return {
      message: `cannot reach${where} (${err.code})${err.$metadata?.attempts ? ` after ${err.$metadata.attempts} attempts` : ""}`,
      fix: "check the endpoint/URL setting and the network, then retry",
    };
  }
  if ((err.code && DB_GONE.test(err.code)) || err.message === "Connection terminated unexpectedly") {
    return {
      message: `the database ended the connection (${err.code ? `${err.code}: ` : ""}${err.message})`,
      fix: "check that PostgreSQL is up (`trends doctor`), then retry",
    };
  }
  if (err.$metadata) {
    return {
      message: `AWS ${err.name}${err.$metadata.httpStatusCode ? ` (HTTP ${err.$metadata.httpStatusCode})` : ""}: ${err.message}`,
      fix: "check the AWS region, credentials and resource names (`trends doctor`), then retry",
    };
  }
  return undefined;
}
