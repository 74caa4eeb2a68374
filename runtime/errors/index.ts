/**
 * One domain error for everything a user can fix. The CLI maps it to a one-line message and an
 * exit code (cli/errors.ts); anything else is a bug and is logged with its stack.
 */
export class TrendsError extends Error {
  readonly fix: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { fix?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TrendsError";
    this.fix = options.fix;
    this.exitCode = options.exitCode ?? ExitCode.Failure;
  }
}

/** Exit codes scripts can rely on; documented in the README. */
export const ExitCode = {
  Ok: 0,
  /** Something external failed (a Spark step, AWS, the database) after retries. */
  Failure: 1,
  /** The user asked for something invalid: a bad flag, setting, spec or input. */
  Usage: 2,
  /** A prerequisite is missing (Java, Python, PySpark, a credential): `trends doctor` says which. */
  Prerequisite: 3,
  /** `--check` style commands: the answer is "no" (stale files, failed doctor line). */
  CheckFailed: 4,
  /** Stopped by SIGINT/SIGTERM after a clean shutdown. */
  Interrupted: 130,
} as const;

export const usageError = (message: string, fix?: string): TrendsError =>
  new TrendsError(message, { exitCode: ExitCode.Usage, ...(fix === undefined ? {} : { fix }) });

export const prerequisiteError = (message: string, fix: string): TrendsError =>
  new TrendsError(message, { exitCode: ExitCode.Prerequisite, fix });

export const isTrendsError = (e: unknown): e is TrendsError => e instanceof TrendsError;

/** A message for a caught value of unknown type, without a stack. */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Node socket error codes that mean "could not reach the other side" (worth a retry, then one line). */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
  "EAI_AGAIN",
]);
