import { ExitCode, isTrendsError, NETWORK_ERROR_CODES } from "../runtime/errors/index.ts";
import { log } from "../runtime/log/index.ts";

/**
 * The one place errors become messages and exit codes. A TrendsError is the user's to fix: one
 * line, the fix on the next, no stack. Network and AWS service errors that escaped a stage are
 * external failures: one line too, exit 1. Anything else is a bug: logged with its stack, exit 1.
 */
export function reportError(e: unknown): number {
  if (isTrendsError(e)) {
    process.stderr.write(`trends: ${e.message}\n`);
    if (e.fix) process.stderr.write(`  fix: ${e.fix}\n`);
    return e.exitCode;
  }
  const external = describeExternal(e);
  if (external) {
    process.stderr.write(`trends: ${external.message}\n  fix: ${external.fix}\n`);
    return ExitCode.Failure;
  }
  log().error({ err: e }, "unexpected error (a bug: please report it with this output)");
  return ExitCode.Failure;
}

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
  if (err.$metadata) {
    return {
      message: `AWS ${err.name}${err.$metadata.httpStatusCode ? ` (HTTP ${err.$metadata.httpStatusCode})` : ""}: ${err.message}`,
      fix: "check the AWS region, credentials and resource names (`trends doctor`), then retry",
    };
  }
  return undefined;
}
