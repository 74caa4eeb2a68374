import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/trends.js", import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `trends ARGS` as a user runs it: a child process of the real bin, warnings only. `timeoutMs`
 * (none by default: a scheduler tick runs Spark) kills it, and the run then has a non-zero code.
 */
export function trends(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  o: { timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { ...process.env, TRENDS_LOG_LEVEL: "warn", ...env },
        maxBuffer: 1 << 24,
        ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}),
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
