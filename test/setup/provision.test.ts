import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const read = (p: string) => readFileSync(join(root, p), "utf8");
const tsUnder = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsUnder(join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [relative(root, join(root, dir, e.name))]
        : [],
  );

/**
 * The README's `npm test` on a fresh clone must provision everything the tests use: every cached
 * piece a test reaches for (`ensureX(`, `startMoto(`) is provisioned by the global setup, and CI
 * takes no provisioning step of its own that could hide a missing one.
 */
describe("npm test provisions what the tests use", () => {
  it("installs every cached prerequisite a test reads, in the test or a global setup", () => {
    const setups = tsUnder("test/setup")
      .filter((f) => !f.endsWith(".test.ts") && !f.includes("fixture"))
      .map(read)
      .join("\n");
    // A call that installs (install: …) provisions itself; any other one must find its piece
    // provisioned by a global setup, which installs unless TRENDS_TEST_NO_INSTALL=1.
    const reading = tsUnder("test")
      .filter((f) => !f.startsWith("test/setup/"))
      .flatMap((f) => [...read(f).matchAll(/\b(ensure[A-Z]\w*)\(([^)]*)\)/g)])
      .filter((m) => !/\binstall:/.test(m[2]!))
      .map((m) => m[1]!);
    expect(reading.length).toBeGreaterThan(0);
    for (const fn of new Set(reading)) expect(setups, fn).toMatch(new RegExp(`\\b${fn}\\(install\\)`));
  });

  it("CI runs no `trends setup` the README's commands do not", () => {
    expect(read(".ci/run")).not.toMatch(/trends setup/);
    expect(read(".ci/run")).toMatch(/^npm test$/m);
  });
});
