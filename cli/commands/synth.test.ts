import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const bin = new URL("../../bin/trends.js", import.meta.url).pathname;
const trends = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { ...process.env, TRENDS_LOG_LEVEL: "silent" },
  });

describe("trends synth", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "synth-cli-"));
  const flags = ["--tweets", "500", "--seed", "s1", "--start", "2026-11-26T04:00:00Z", "--minutes", "30"];

  it("writes the same file twice for one seed, and prints the truth with --json", () => {
    const a = trends(
      "synth",
      ...flags,
      "--corrupt",
      "2",
      "--crisis-at",
      "2026-11-26T04:15:00Z",
      "--out",
      join(dir, "a"),
    );
    const b = trends(
      "synth",
      ...flags,
      "--corrupt",
      "2",
      "--crisis-at",
      "2026-11-26T04:15:00Z",
      "--out",
      join(dir, "b"),
      "--json",
    );
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(a.stdout).toContain("wrote 500 tweets and 2 malformed lines");
    expect(readFileSync(join(dir, "a")).equals(readFileSync(join(dir, "b")))).toBe(true);
    const truth = JSON.parse(b.stdout) as { tweets: number; lines: number; crisis: unknown };
    expect([truth.tweets, truth.lines, truth.crisis]).toEqual([
      500,
      502,
      { at: "2026-11-26T04:15:00.000Z", topic: "acme" },
    ]);
    expect(JSON.parse(readFileSync(join(dir, "a.truth.json"), "utf8"))).toEqual(truth);
  });

  it("--format bluesky writes the truth file it prints (issue 29)", () => {
    const out = join(dir, "frames.ndjson");
    const r = trends("synth", ...flags, "--format", "bluesky", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`truth: ${out}.truth.json`);
    const truth = JSON.parse(readFileSync(`${out}.truth.json`, "utf8")) as { tweets: number };
    expect(truth.tweets).toBe(500);
  });

  it("exits 2 with the flag named for a bad value", () => {
    const r = trends(
      "synth",
      ...flags,
      "--crisis-topic",
      "nope",
      "--crisis-at",
      "2026-11-26T04:10:00Z",
      "--out",
      join(dir, "c"),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--crisis-topic nope is not one of the topics");
  });
});
