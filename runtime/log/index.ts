import pino, { type Logger } from "pino";

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
    return pino({
      level,
      redact,
      transport: {
        target: "pino-pretty",
        options: { destination: 2, colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss" },
      },
    });
  }
  return pino({ level, redact }, pino.destination(2));
}

let shared: Logger | undefined;

/** The process-wide logger, set once by the CLI from `--log-level`. */
export function log(): Logger {
  shared ??= createLogger((process.env.TRENDS_LOG_LEVEL as LogLevel | undefined) ?? "info");
  return shared;
}

export function setLogger(logger: Logger): void {
  shared = logger;
}
