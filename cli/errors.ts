import { ExitCode, isTrendsError } from "../runtime/errors/index.ts";
import { log } from "../runtime/log/index.ts";

/**
 * The one place errors become messages and exit codes. A TrendsError is the user's to fix: one
 * line, the fix on the next, no stack. Anything else is a bug: logged with its stack, exit 1.
 */
export function reportError(e: unknown): number {
  if (isTrendsError(e)) {
    process.stderr.write(`trends: ${e.message}\n`);
    if (e.fix) process.stderr.write(`  fix: ${e.fix}\n`);
    return e.exitCode;
  }
  log().error({ err: e }, "unexpected error (a bug: please report it with this output)");
  return ExitCode.Failure;
}
