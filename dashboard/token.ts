import { readFileSync, statSync } from "node:fs";
import { usageError } from "../runtime/errors/index.ts";
import { log } from "../runtime/log/index.ts";

export interface TokenSources {
  /** `--token T`: works, but every user of the machine sees it in `ps`. */
  flag?: string | undefined;
  /** `--token-file PATH`: the first line of the file. */
  file?: string | undefined;
  /** `TRENDS_DASHBOARD_TOKEN`; empty means unset. */
  env?: string | undefined;
}

/**
 * The dashboard token, from `--token-file`, else `--token` (with a warning: command lines are
 * public on a shared machine), else `TRENDS_DASHBOARD_TOKEN`. Its strength is checked when the
 * server starts (`tokenWeakness`).
 */
export function resolveToken(s: TokenSources): string | undefined {
  if (s.flag !== undefined && s.file !== undefined) {
    throw usageError(
      "--token and --token-file cannot be combined",
      "keep --token-file (ps shows --token to everyone)",
    );
  }
  if (s.file !== undefined) return readTokenFile(s.file);
  if (s.flag !== undefined) {
    log().warn(
      "dashboard: --token is visible to every user of this machine (ps, /proc); prefer TRENDS_DASHBOARD_TOKEN or --token-file",
    );
    return s.flag;
  }
  return s.env === "" ? undefined : s.env;
}

function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw usageError(
      `--token-file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      "create it with `openssl rand -hex 24 > FILE; chmod 600 FILE`",
    );
  }
  // Group- or world-readable: other users of the machine can read the token.
  if ((statSync(path).mode & 0o077) !== 0) {
    log().warn({ path }, "dashboard: the token file is readable by other users; chmod 600 it");
  }
  // The first line, without its line ending (editors and `echo` add one).
  return text.split(/\r?\n/)[0]!;
}
