import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../../../cli/in-process.ts";
import { defaultCursorPath, lockCursor } from "./cursor.ts";

const rule = (tag: string, value: string) => ({ id: tag, source: "bluesky" as const, tag, value });

describe("the Bluesky cursor", () => {
  it("defaults to one file per set of rules and sink destination", () => {
    const a = [rule("a", "acme"), rule("b", "beta")];
    const path = defaultCursorPath("/c", a, "dir:/out");
    expect(path).toMatch(/^\/c\/bluesky\/cursor-[0-9a-f]{12}$/);
    expect(defaultCursorPath("/c", [...a].reverse(), "dir:/out")).toBe(path);
    expect(defaultCursorPath("/c", a, "dir:/other")).not.toBe(path);
    expect(defaultCursorPath("/c", a, "firehose:trends-raw")).not.toBe(path);
    expect(defaultCursorPath("/c", [rule("a", "acme")], "dir:/out")).not.toBe(path);
  });

  it("is held by one ingest at a time; a dead holder's lock is taken over", () => {
    const path = join(mkdtempSync(join(tmpdir(), "trends-cursor-")), "cursor");
    const release = lockCursor(path, "--cursor-file");
    expect(() => lockCursor(path, "--cursor-file")).toThrow(
      /--cursor-file .*cursor is in use by another ingest/,
    );
    release();
    writeFileSync(`${path}.lock`, `${spawnSync(process.execPath, ["-e", ""]).pid}\n`);
    lockCursor(path, "--cursor-file")();
    expect(readdirSync(join(path, ".."))).toEqual([]);
  });

  it("`trends ingest` refuses a cursor in use, and bad --cursor-file/--rules-file paths, before starting", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trends-cursor-cli-"));
    const rules = join(dir, "rules.json");
    writeFileSync(rules, JSON.stringify({ rules: [rule("acme", "acme")] }));
    const readOnly = join(dir, "ro");
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    const cursor = join(dir, "cursor");
    writeFileSync(`${cursor}.lock`, "1\n"); // init: a holder that is always running
    const ingest = (flags: string[]) =>
      runInProcess([
        "ingest",
        "--source",
        "bluesky",
        "--sink",
        "dir",
        "--out",
        join(dir, "out"),
        "--jetstream-url",
        "ws://127.0.0.1:1/subscribe",
        "--sentiment",
        "none",
        ...flags,
      ]);
    const cases: [string[], RegExp][] = [
      [
        ["--rules-file", rules, "--cursor-file", cursor],
        /--cursor-file .*cursor is in use by another ingest \(pid 1\)/,
      ],
      [["--rules-file", rules, "--cursor-file", dir], /--cursor-file .* is a directory/],
      [
        ["--rules-file", rules, "--cursor-file", join(rules, "c")],
        /--cursor-file .*: its directory is a file/,
      ],
      [["--rules-file", dir, "--cursor-file", join(dir, "c2")], /--rules-file .* is a directory/],
      [["--rules-file", join(rules, "r")], /--rules-file .*: its directory is a file/],
    ];
    if (process.getuid?.() !== 0)
      cases.push([
        ["--rules-file", rules, "--cursor-file", join(readOnly, "c")],
        /--cursor-file .*: its directory is not writable/,
      ]);
    for (const [flags, message] of cases) {
      const r = await ingest(flags);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(2);
    }
    expect(readdirSync(dir).sort()).toEqual(["cursor.lock", "ro", "rules.json"]);
  });
});
