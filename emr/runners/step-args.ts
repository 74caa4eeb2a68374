import { isSecretUrlParam, redactUrl } from "../../runtime/config/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import type { StepRange, StepRequest, StepResult } from "./step-runner.ts";

/** Where `--jdbc-*` credentials come from; never the password itself (step arguments are visible in the EMR console). */
export interface StepCredentials {
  /** An AWS Secrets Manager id the step reads with boto3 on EMR. */
  readonly jdbcSecret?: string | undefined;
  /** The job plan the step runtime runs (`--plan`); a step script that is not the runtime takes none. */
  readonly plan?: string | undefined;
}

const INPUT_SCHEME = /^(file:\/\/|s3:\/\/|s3a:\/\/|\/|\.{0,2}\/)/;

/**
 * The window step's arguments (the step contract: sparkgen/README.md, "The step"), after the script path.
 * Rejects a JDBC URL that carries credentials: they would end up in the step's arguments.
 */
export function stepArgs(req: StepRequest, creds: StepCredentials = {}): string[] {
  checkJdbcUrl(req.jdbcUrl);
  if (req.window.end.getTime() <= req.window.start.getTime()) {
    throw usageError(
      `window ${req.window.start.toISOString()} ends before it starts`,
      "pass an aligned window",
    );
  }
  for (const input of req.inputs) {
    if (!INPUT_SCHEME.test(input)) {
      throw usageError(
        `input ${JSON.stringify(input)} is not a path or an s3://, s3a://, file:// URI`,
        "pass a URI",
      );
    }
  }
  const args = [
    ...(creds.plan !== undefined ? ["--plan", creds.plan] : []),
    "--window-start",
    req.window.start.toISOString(),
    "--window-end",
    req.window.end.toISOString(),
    ...req.inputs.flatMap((i) => ["--input", i]),
    "--jdbc-url",
    req.jdbcUrl,
  ];
  if (creds.jdbcSecret !== undefined) args.push("--jdbc-secret", creds.jdbcSecret);
  if (req.range) args.push(...rangeArgs(req.range, req.inputs.length));
  const runIds = req.range ? (req.range.runIds ?? []) : req.runId !== undefined ? [req.runId] : [];
  for (const id of runIds) {
    if (!Number.isSafeInteger(id) || id < 1) throw usageError(`run id ${id} is not a positive integer`);
    args.push("--run-id", String(id));
  }
  return args;
}

function rangeArgs(range: StepRange, inputs: number): string[] {
  const { count, windowInputs, runIds } = range;
  if (!Number.isSafeInteger(count) || count < 1) throw usageError(`a range of ${count} windows`);
  if (windowInputs.length !== count || (runIds && runIds.length !== count))
    throw usageError(`a range of ${count} windows needs one input list and one run id per window`);
  if (windowInputs.some((l) => l.some((i) => !Number.isSafeInteger(i) || i < 0 || i >= inputs)))
    throw usageError("a window of the range names an input index that is not among the inputs");
  return ["--windows", String(count), ...windowInputs.flatMap((l) => ["--window-inputs", l.join(",")])];
}

/** The default step name; `trends emr status --window` finds steps by it. */
export const stepName = (req: Pick<StepRequest, "window" | "name" | "range">): string =>
  req.name ??
  (req.range && req.range.count > 1
    ? `trends windows ${req.window.start.toISOString()} x${req.range.count}`
    : `trends window ${req.window.start.toISOString()}`);

/** `jdbc:postgresql://host:port/db` without user, password or other secrets in it. */
export function checkJdbcUrl(url: string): void {
  // No white space or control character anywhere: the driver would read a different URL than shown.
  const m = /^jdbc:postgresql:\/\/([^/?#\s\p{Cc}]+)\/([^?#\s\p{Cc}]+)(\?[^\s\p{Cc}]*)?$/u.exec(url);
  if (!m) {
    throw usageError(
      `JDBC URL ${JSON.stringify(redactUrl(url))} is not jdbc:postgresql://host:port/database`,
      "pass --jdbc-url jdbc:postgresql://host:5432/trends (or set DATABASE_URL)",
    );
  }
  const names = [...new URLSearchParams(m[3] ?? "").keys()];
  if (m[1]!.includes("@") || names.some((n) => n.toLowerCase() === "user" || isSecretUrlParam(n))) {
    throw usageError(
      "the JDBC URL carries credentials, which would be visible in the step's arguments",
      "drop user, password, sslpassword and sslkey from the URL; the step reads credentials from TRENDS_JDBC_USER/PASSWORD or --jdbc-secret",
    );
  }
}

/**
 * `postgres://user:pass@host:port/db?sslmode=require` → the JDBC URL (no credentials) and the
 * credentials to pass through the environment.
 */
export function jdbcFromDatabaseUrl(databaseUrl: string): {
  jdbcUrl: string;
  user?: string;
  password?: string;
} {
  let u: URL;
  try {
    u = new URL(databaseUrl);
  } catch {
    throw usageError("DATABASE_URL is not a URL", "write it like postgres://user:password@host:5432/trends");
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw usageError(
      `DATABASE_URL has scheme ${u.protocol}, expected postgres:`,
      "write it like postgres://host/db",
    );
  }
  const ssl = u.searchParams.get("sslmode");
  const query = ssl ? `?sslmode=${encodeURIComponent(ssl)}` : "";
  const host = u.host || "localhost";
  return {
    jdbcUrl: `jdbc:postgresql://${host}${u.pathname}${query}`,
    ...(u.username ? { user: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

const RESULT_LINE = /^TRENDS_STEP_RESULT (\{.*\})\s*$/m;

/** The step's `TRENDS_STEP_RESULT {json}` stdout line, or undefined when it printed none. */
export function parseStepResult(stdout: string): StepResult | undefined {
  const m = RESULT_LINE.exec(stdout);
  if (!m) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(m[1]!);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const n = (k: string): number => (typeof o[k] === "number" ? (o[k] as number) : 0);
  return {
    rows_read: n("rows_read"),
    bad_records: n("bad_records"),
    duplicates: n("duplicates"),
    events: n("events"),
  };
}

const WINDOW_LINE = /^TRENDS_WINDOW_RESULT (\{.*\})\s*$/gm;

/** A range step's `TRENDS_WINDOW_RESULT {json}` lines (one per committed window), by window start. */
export function parseWindowResults(stdout: string): Record<string, StepResult> {
  const out: Record<string, StepResult> = {};
  for (const m of stdout.matchAll(WINDOW_LINE)) {
    const r = parseStepResult(`TRENDS_STEP_RESULT ${m[1]}`);
    let start: unknown;
    try {
      start = (JSON.parse(m[1]!) as { window_start?: unknown }).window_start;
    } catch {
      continue;
    }
    if (r && typeof start === "string") out[new Date(start).toISOString()] = r;
  }
  return out;
}

/** The `--run-id` of a step's arguments (EMR returns them in DescribeStep). */
export function runIdOf(args: readonly string[]): number | undefined {
  const i = args.indexOf("--run-id");
  const v = i >= 0 ? Number(args[i + 1]) : Number.NaN;
  return Number.isSafeInteger(v) ? v : undefined;
}

/**
 * One line explaining why a step failed, from its output: the last Python exception line, else
 * the last ERROR line, else the exit code. Pass stdout and stderr: spark-submit's PythonRunner
 * merges the Python driver's stderr (its traceback) into its own stdout.
 */
export function failureReason(output: string, code: number | null, signal: string | null): string {
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const py = lines.filter((l) => /^[A-Za-z_.]*(Error|Exception)\b.*:/.test(l)).at(-1);
  const err = lines.filter((l) => /\bERROR\b/.test(l)).at(-1);
  const why = py ?? err;
  const how = signal ? `killed by ${signal}` : `exit code ${code}`;
  return why ? `${why.slice(0, 500)} (${how})` : `spark-submit ended with ${how}`;
}
