import pino, { type Logger } from "pino";
import { prettyFactory } from "pino-pretty";
import { terminalSafe } from "../terminal/index.ts";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The one structured logger. Logs go to stderr so that stdout stays data (`--json`): JSON lines
 * when stderr is not a terminal (CI, systemd, CloudWatch), readable lines when it is.
 * Secrets never reach it: config redacts credential paths below.
 */
export function createLogger(level: LogLevel = "info", pretty = process.stderr.isTTY === true): Logger {
  const redact = {
    paths: ["*.password", "*.secretAccessKey", "*.sessionToken", "*.bearerToken", "*.token", "*.databaseUrl"],
    censor: "[redacted]",
  };
  if (pretty) {
    // In this thread rather than as a transport: each line is neutralised before pino-pretty prints it.
    const format = prettyLine(true);
    return pino({ level, redact }, { write: (line: string) => void process.stderr.write(format(line)) });
  }
  return pino({ level, redact }, pino.destination(2));
}

/**
 * One JSON log line as the readable line a terminal shows. Logged values come from the stream (a
 * handle, a post's text in a reason), so every string goes through `terminalSafe`, as stdout
 * does; a stack keeps its line breaks. JSON logs need nothing: JSON escapes C0 controls, and a
 * log reader, not a terminal, shows them.
 */
export function prettyLine(colorize: boolean): (jsonLine: string) => string {
  const pretty = prettyFactory({ colorize, ignore: "pid,hostname", translateTime: "HH:MM:ss" });
  return (line) => pretty(safe(JSON.parse(line)));
}

const safe = (v: unknown, key?: string): unknown => {
  if (typeof v === "string")
    return key === "stack" ? v.split("\n").map(terminalSafe).join("\n") : terminalSafe(v);
  if (Array.isArray(v)) return v.map((x) => safe(x));
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [terminalSafe(k), safe(x, k)]));
};

let shared: Logger | undefined;

/** The process-wide logger, set once by the CLI from `--log-level`. */
export function log(): Logger {
  shared ??= createLogger((process.env.TRENDS_LOG_LEVEL as LogLevel | undefined) ?? "info");
  return shared;
}

export function setLogger(logger: Logger): void {
  shared = logger;
}
