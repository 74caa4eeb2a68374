import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { log, setLogger } from "../runtime/log/index.ts";
import { resolveToken } from "./token.ts";

const dir = mkdtempSync(join(tmpdir(), "trends-token-"));
const logged: string[] = [];
const previous = log();
beforeAll(() => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged.push(String(chunk));
      done();
    },
  });
  setLogger(pino({ level: "info" }, sink));
});
afterAll(() => setLogger(previous));

describe("resolveToken", () => {
  it("reads the first line of --token-file, and warns when others can read the file", () => {
    const file = join(dir, "token");
    writeFileSync(file, "9f2c4e1a7b3d5f60e8a2c4b6d8f0a1c3\r\nignored\n");
    chmodSync(file, 0o600);
    logged.length = 0;
    expect(resolveToken({ file, env: "from-env" })).toBe("9f2c4e1a7b3d5f60e8a2c4b6d8f0a1c3");
    expect(logged).toEqual([]);
    chmodSync(file, 0o644);
    resolveToken({ file });
    expect(logged.join("")).toContain("the token file is readable by other users; chmod 600 it");
  });

  it("warns that --token is visible in ps, and falls back to the environment", () => {
    logged.length = 0;
    expect(resolveToken({ flag: "on-the-command-line", env: "from-env" })).toBe("on-the-command-line");
    expect(logged.join("")).toContain("--token is visible to every user of this machine (ps, /proc)");
    logged.length = 0;
    expect(resolveToken({ env: "from-env" })).toBe("from-env");
    expect(resolveToken({ env: "" })).toBeUndefined();
    expect(resolveToken({})).toBeUndefined();
    expect(logged).toEqual([]);
  });

  it("refuses both flags and an unreadable file with the fix (exit 2)", () => {
    expect(() => resolveToken({ flag: "a", file: "b" })).toThrow(
      "--token and --token-file cannot be combined",
    );
    const missing = join(dir, "nope");
    expect(() => resolveToken({ file: missing })).toThrow(
      expect.objectContaining({ exitCode: 2, message: `--token-file ${missing} cannot be read (ENOENT)` }),
    );
  });
});
