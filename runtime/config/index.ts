import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { usageError } from "../errors/index.ts";
import { ENV_NAMES, type SettingName, type Settings, settingsSchema } from "./schema.ts";

export { isSecretUrlParam, redactUrl, SECRET_URL_PARAMS } from "./redact.ts";
export { ENV_NAMES, S3_PREFIX_URI, type SettingName, type Settings, settingsSchema } from "./schema.ts";

export const CONFIG_FILE = "trends.config.json";

export interface ConfigSources {
  /** Flags already parsed by yargs, keyed by setting name; undefined means "not given". */
  flags?: Partial<Record<SettingName, unknown>>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Loads and validates the settings once, at start. The error names the setting, where it came
 * from and what a valid value looks like, e.g.
 * `invalid setting windowMinutes (TRENDS_WINDOW_MINUTES="7"): a number of minutes that divides a day`.
 */
export function loadConfig(sources: ConfigSources = {}): Settings {
  const env = sources.env ?? process.env;
  const file = readConfigFile(sources.cwd ?? process.cwd());
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const [key, value] of Object.entries(file)) {
    merged[key] = value;
    origin[key] = `${CONFIG_FILE}`;
  }
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== "") {
      merged[key] = value;
      origin[key] = `${name}`;
    }
  }
  for (const [key, value] of Object.entries(sources.flags ?? {})) {
    if (value !== undefined) {
      merged[key] = value;
      origin[key] = `--${kebab(key)}`;
    }
  }
  const unknown = Object.keys(file).filter((k) => !(k in settingsSchema.shape));
  if (unknown.length > 0) {
    throw usageError(
      `unknown setting ${unknown.map((k) => JSON.stringify(k)).join(", ")} in ${CONFIG_FILE}`,
      `valid settings are: ${Object.keys(settingsSchema.shape).join(", ")}`,
    );
  }
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? "");
    const shown = key in merged && !isSecret(key) ? `=${JSON.stringify(String(merged[key]))}` : "";
    throw usageError(
      `invalid setting ${key} (${origin[key] ?? "default"}${shown}): ${issue.message}`,
      `fix ${origin[key] ?? key} or remove it to use the default`,
    );
  }
  return parsed.data;
}

function readConfigFile(cwd: string): Record<string, unknown> {
  const path = join(cwd, CONFIG_FILE);
  if (!existsSync(path)) return {};
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch (e) {
    throw usageError(`${path} is not a JSON object: ${(e as Error).message}`, "fix the file or delete it");
  }
}

const isSecret = (key: string): boolean => key === "xBearerToken" || key === "databaseUrl";
const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
