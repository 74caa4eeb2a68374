import { runCli } from "./program.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `trends ARGS` in this process and captures what it writes to stdout and stderr (for
 * tests: no process start, so hundreds of command lines take seconds). Logs are silenced; a bug
 * still shows as exit 1, which no test of user input accepts.
 */
export async function runInProcess(args: readonly string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  const level = process.env.TRENDS_LOG_LEVEL;
  process.env.TRENDS_LOG_LEVEL = "silent";
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array): boolean => {
      into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    };
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  try {
    const code = await runCli(args);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    if (level === undefined) delete process.env.TRENDS_LOG_LEVEL;
    else process.env.TRENDS_LOG_LEVEL = level;
  }
}
