import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../in-process.ts";

const bin = new URL("../../bin/trends.js", import.meta.url).pathname;
const run = promisify(execFile);

describe("trends rules --source bluesky", { timeout: 120_000 }, () => {
  it("loses no rule when ten `rules add` run at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trends-rules-cli-"));
    const file = join(dir, "rules.json");
    const tags = Array.from({ length: 10 }, (_, i) => `topic${i}`);
    await Promise.all(
      tags.map((tag) =>
        run(process.execPath, [
          bin,
          "rules",
          "add",
          "--source",
          "bluesky",
          "--rules-file",
          file,
          "--tag",
          tag,
          "--value",
          tag,
        ]),
      ),
    );
    const kept = (JSON.parse(readFileSync(file, "utf8")) as { rules: { tag: string }[] }).rules;
    expect(kept.map((r) => r.tag).sort()).toEqual(tags.sort());
    expect(readdirSync(dir)).toEqual(["rules.json"]);
  });

  it("refuses a --rules-file that is a directory, under a file or not writable, in two lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trends-rules-cli-"));
    const aFile = join(dir, "a-file");
    writeFileSync(aFile, '{"rules": []}\n');
    const locked = join(dir, "ro");
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const cases = [
      dir,
      join(aFile, "rules.json"),
      ...(process.getuid?.() === 0 ? [] : [join(locked, "rules.json")]),
    ];
    for (const path of cases) {
      const r = await runInProcess([
        "rules",
        "add",
        "--source",
        "bluesky",
        "--rules-file",
        path,
        "--tag",
        "a",
        "--value",
        "a",
      ]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^trends: --rules-file .*\n {2}fix: \S.*\n$/);
    }
    expect(readdirSync(dir).sort()).toEqual(["a-file", "ro"]);
  });
});
