import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium, driven by playwright-core (no browser download). */
export const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches the headless browser of the dashboard tests; a missing chromium fails with the fix. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser test needs Debian's chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
