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
  it("installs every cached prerequisite a test reads in test/setup/global.ts", () => {
    const global = read("test/setup/global.ts");
    const used = new Set(
      tsUnder("test")
        .filter((f) => !f.startsWith("test/setup/"))
        .flatMap((f) => [...read(f).matchAll(/\b(ensure[A-Z]\w*)\(/g)].map((m) => m[1]!)),
    );
    expect(used.size).toBeGreaterThan(0);
    for (const fn of used) expect(global, fn).toMatch(new RegExp(`need\\([^)]*\\(\\) => ${fn}\\(install\\)`));
  });

  it("CI runs no `trends setup` the README's commands do not", () => {
    expect(read(".ci/run")).not.toMatch(/trends setup/);
    expect(read(".ci/run")).toMatch(/^npm test$/m);
  });
});
