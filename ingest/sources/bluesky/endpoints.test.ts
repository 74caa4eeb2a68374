import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../../../cli/in-process.ts";

/** Issue 29, item 11: the Bluesky URL flags are refused in two lines, exit 2, before anything opens. */
describe("--jetstream-url and --appview-url", () => {
  const dir = mkdtempSync(join(tmpdir(), "trends-bsky-url-"));
  const ingest = (...flags: string[]) =>
    runInProcess(["ingest", "--source", "bluesky", "--sink", "dir", "--out", join(dir, "out"), ...flags]);

  it.each([
    [["--jetstream-url", "notaurl"], /--jetstream-url "notaurl" is not a URL/],
    [["--jetstream-url", "ftp://x/"], /--jetstream-url must be a ws: or wss: URL, not ftp:/],
    [["--jetstream-url", "https://jetstream.example/subscribe"], /--jetstream-url must be a ws: or wss: URL/],
    [
      ["--jetstream-url", "ws://alice:s3cretPW@127.0.0.1:1/subscribe"],
      /--jetstream-url must not carry a user/,
    ],
    [["--appview-url", "notaurl"], /--appview-url "notaurl" is not a URL/],
    [["--appview-url", "file:///etc/passwd"], /--appview-url must be an http: or https: URL, not file:/],
  ])("refuses %j", async (flags, message) => {
    const r = await ingest(...flags);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toMatch(/^ {2}fix: \S/);
    // The password is never echoed, and nothing was created.
    expect(r.stderr).not.toContain("s3cretPW");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("refuses a bad URL among several --jetstream-url", async () => {
    const r = await ingest("--jetstream-url", "wss://a.example/subscribe", "--jetstream-url", "ftp://x/");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jetstream-url must be a ws: or wss: URL, not ftp:/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
