import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { countResults, type ModuleLike, summaryLine } from "./summary-reporter.ts";

const mod = (moduleId: string, state: string, tests: string[]): ModuleLike => ({
  moduleId,
  state: () => state,
  children: { allTests: () => tests.map((s) => ({ result: () => ({ state: s }) })) },
});

describe("countResults", () => {
  it("counts passed, failed and skipped tests of healthy files", () => {
    const c = countResults(
      ["a", "b"],
      [mod("a", "passed", ["passed", "passed"]), mod("b", "failed", ["failed", "passed"])],
      0,
    );
    expect(c).toEqual({ passed: 3, failed: 1, skipped: 0 });
  });

  it("counts the tests of a file whose beforeAll threw as failed, not skipped", () => {
    expect(countResults(["h"], [mod("h", "failed", ["skipped", "skipped"])], 0)).toEqual({
      passed: 0,
      failed: 2,
      skipped: 0,
    });
  });

  it("counts a file that failed at import (no tests) once", () => {
    expect(countResults(["i"], [mod("i", "failed", [])], 0).failed).toBe(1);
  });

  it("counts planned files that never reported and unhandled errors as failed", () => {
    expect(countResults(["a", "b", "c"], [], 1)).toEqual({ passed: 0, failed: 4, skipped: 0 });
  });

  it("keeps genuinely skipped tests of a passing file as skipped", () => {
    expect(summaryLine(countResults(["a"], [mod("a", "passed", ["passed", "skipped"])], 0))).toBe(
      "tests: 1 passed, 0 failed, 1 skipped",
    );
  });
});

describe("the reporter in a real vitest run", { timeout: 120_000 }, () => {
  const root = fileURLToPath(new URL("./reporter-fixture/", import.meta.url));
  const vitest = fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url));
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [vitest, "run", "--root", root], {
      encoding: "utf8",
      env: { ...process.env, ...env, NO_COLOR: "1" },
    });

  it("reports a throwing beforeAll and an import error as failures and exits 1", () => {
    const r = run({});
    expect(r.stdout).toContain("tests: 1 passed, 3 failed, 0 skipped");
    expect(r.status).toBe(1);
  });

  it("reports every file as failed when globalSetup throws, and exits 1", () => {
    const r = run({ FIXTURE_GLOBAL_SETUP: "1" });
    expect(r.stdout).toContain("tests: 0 passed, 3 failed, 0 skipped");
    expect(r.status).toBe(1);
  });
});
