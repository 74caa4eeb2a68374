import { execFileSync, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PRELUDE, specFolder } from "../../sparkgen/load/fixtures.ts";

const TRENDS = join(import.meta.dirname, "../../bin/trends.js");
const dir = specFolder({
  "broken.ts": `${PRELUDE}
export const broken = define.metric(import.meta.url, {
  name: "Broken",
  description: "three problems",
  dimensions: { lang: e.column("lang") },
  measures: { n: e.count(), mean: e.avg("text") },
  rank: { top: 0, by: "n" },
});
`,
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("trends sparkgen with a broken spec", () => {
  it("lists the type error and both validation problems as file:line, exits 2; --help still works", () => {
    const r = spawnSync("node", [TRENDS, "sparkgen", "--check", "--specs", dir], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n").filter((l) => l.startsWith(dir))).toEqual([
      expect.stringMatching(/broken\.ts:8 {2}measures\.mean: Argument of type '"text"'/),
      expect.stringMatching(/broken\.ts:5 {2}name: "Broken" is not lower_snake_case/),
      expect.stringMatching(/broken\.ts:9 {2}rank\.top: is 0/),
    ]);
    expect(r.stderr).toContain("trends: 3 problems in the specs (listed above); nothing was generated");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack: a user mistake
    expect(execFileSync("node", [TRENDS, "--help"], { encoding: "utf8" })).toContain("sparkgen");
  }, 120_000);
});
