import { loadConfig, type SettingName, type Settings } from "../runtime/config/index.ts";
import { createLogger, type LogLevel, setLogger } from "../runtime/log/index.ts";

/** Global flags every command accepts; they map onto settings of the same name. */
export const globalOptions = {
  "log-level": { type: "string", describe: "fatal|error|warn|info|debug|trace|silent", group: "Global:" },
  "database-url": {
    type: "string",
    describe: "results database (default: the local PostgreSQL)",
    group: "Global:",
  },
  "aws-endpoint": {
    type: "string",
    describe: "AWS-compatible endpoint, e.g. a local moto server",
    group: "Global:",
  },
  "aws-region": { type: "string", describe: "AWS region (default: AWS_REGION)", group: "Global:" },
  "cache-dir": { type: "string", describe: "per-user cache (default ~/.cache/trends)", group: "Global:" },
} as const;

/** Settings for a command: flags > env > trends.config.json > defaults; sets up the logger. */
export function settingsFrom(argv: Record<string, unknown>): Settings {
  const flags: Partial<Record<SettingName, unknown>> = {
    logLevel: argv["log-level"],
    databaseUrl: argv["database-url"],
    awsEndpoint: argv["aws-endpoint"],
    awsRegion: argv["aws-region"],
    cacheDir: argv["cache-dir"],
  };
  const settings = loadConfig({ flags });
  setLogger(createLogger(settings.logLevel as LogLevel));
  return settings;
}
