import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { prerequisiteError, TrendsError } from "../errors/index.ts";
import { log } from "../log/index.ts";
import { run, withFileLock } from "../proc.ts";
import { checkPython } from "../spark/index.ts";

/**
 * The reference VADER (Hutto & Gilbert, ICWSM 2014) as published on PyPI. Its distribution carries
 * the two lexicons the offline analyser loads at start-up — `vader_lexicon.txt` (7,500 human-rated
 * words, emoticons and acronyms) and `emoji_utf8_lexicon.txt` (emoji → description) — and its
 * Python module is the reference the agreement test scores against.
 */
export const VADER_VERSION = "3.3.2";

export interface VaderInstall {
  /** The virtualenv's Python, which can `import vaderSentiment`. */
  python: string;
  /** `vader_lexicon.txt`: token, mean valence, standard deviation, the ten ratings (tab-separated). */
  lexicon: string;
  /** `emoji_utf8_lexicon.txt`: emoji, description (tab-separated). */
  emojiLexicon: string;
  version: string;
}

export const vaderDir = (cacheDir: string): string => join(cacheDir, `vader-${VADER_VERSION}`);
const READY = ".trends-ready";

/**
 * The installed lexicons, without installing anything (the analyser's synchronous start-up), or
 * a prerequisite error naming the fix.
 */
export function findVader(cacheDir: string): VaderInstall {
  const dir = vaderDir(cacheDir);
  const marker = join(dir, READY);
  if (!existsSync(marker))
    throw prerequisiteError(
      `VADER's lexicons (vaderSentiment ${VADER_VERSION}) are not installed in ${dir}`,
      "run `npx trends setup` (or use --sentiment google|none)",
    );
  const pkg = readFileSync(marker, "utf8").trim();
  const found = {
    python: join(dir, "bin", "python"),
    lexicon: join(pkg, "vader_lexicon.txt"),
    emojiLexicon: join(pkg, "emoji_utf8_lexicon.txt"),
    version: VADER_VERSION,
  };
  if (!existsSync(found.lexicon) || !existsSync(found.emojiLexicon))
    throw prerequisiteError(
      `the vaderSentiment ${VADER_VERSION} install in ${dir} lacks its lexicons`,
      `remove ${dir} and run \`npx trends setup\``,
    );
  return found;
}

/**
 * Finds (and with `install`, provisions) vaderSentiment in its own small virtualenv beside
 * PySpark's (an ingestor needs no Spark). Idempotent and safe against concurrent installs: the
 * marker, written last, holds the package directory.
 */
export async function ensureVader(o: { cacheDir: string; install?: boolean }): Promise<VaderInstall> {
  const dir = vaderDir(o.cacheDir);
  if (existsSync(join(dir, READY)) || !o.install) return findVader(o.cacheDir);
  checkPython();
  await withFileLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, READY))) return;
    log().info({ dir }, `installing vaderSentiment==${VADER_VERSION} (VADER's lexicons, once per machine)`);
    const python = join(dir, "bin", "python");
    const steps: [string, string[]][] = [
      ["python3", ["-m", "venv", dir]],
      // No dependencies: `requests` is only imported by the module's interactive demo.
      [python, ["-m", "pip", "install", "--quiet", "--no-deps", `vaderSentiment==${VADER_VERSION}`]],
      [python, ["-c", "import os, vaderSentiment; print(os.path.dirname(vaderSentiment.__file__))"]],
    ];
    let out = "";
    for (const [cmd, args] of steps) {
      const r = await run(cmd, args);
      if (r.code !== 0)
        throw new TrendsError(
          `${cmd} ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-2).join(" ")}`,
          { fix: "check the network access to PyPI and retry `npx trends setup`" },
        );
      out = r.stdout;
    }
    writeFileSync(join(dir, READY), `${out.trim()}\n`);
  });
  return findVader(o.cacheDir);
}
