import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EXPECTED_SECONDS } from "./sequencer.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("the sequencer's expected seconds", () => {
  it("name files that exist (a renamed slow file would silently lose its place)", () => {
    expect(Object.keys(EXPECTED_SECONDS).filter((f) => !existsSync(`${ROOT}${f}`))).toEqual([]);
  });
});
