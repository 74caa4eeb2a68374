import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "./index.ts";

afterEach(() => vi.restoreAllMocks());

/** What the pretty (terminal) logger writes to stderr for one call. */
function prettyOutput(call: (log: ReturnType<typeof createLogger>) => void): string {
  const written: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  call(createLogger("info", true));
  return written.join("");
}

describe("pretty logs (issue 29)", () => {
  it("show bidi, C0 and C1 controls of logged values as visible escapes", () => {
    const out = prettyOutput((log) =>
      log.warn({ handle: "bo\u202eb", reason: "x\u009b31m\u001b[2Jy" }, "skipped \u2066post\r\nforged"),
    );
    expect(out).toContain("bo\\u202eb");
    expect(out).toContain("x\\x9b31m\\x1b[2Jy");
    expect(out).toContain("skipped \\u2066post\\x0d\\x0aforged");
    // Only pino-pretty's own colours (ESC [ … m) and line ends remain.
    expect(out.replace(/\u001b\[[0-9;]*m/g, "")).not.toMatch(
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
    );
  });

  it("keeps a stack's line breaks", () => {
    const err = new Error("bad \u202e");
    const out = prettyOutput((log) => log.error({ err }, "failed"));
    expect(out).toContain("bad \\u202e");
    expect(out.split("\n").length).toBeGreaterThan(3);
  });
});
