import { loadConfig } from "../../runtime/config/index.ts";
import { ensureVader } from "../../runtime/vader/index.ts";

/**
 * The unit tests score with VADER's published lexicons, which live in the cache: install them on a
 * fresh machine (idempotent, seconds), unless TRENDS_TEST_NO_INSTALL=1.
 */
export default async function setup(): Promise<void> {
  const { cacheDir } = loadConfig({ env: process.env });
  await ensureVader({ cacheDir, install: process.env.TRENDS_TEST_NO_INSTALL !== "1" });
}
