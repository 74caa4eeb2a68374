import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isTrendsError } from "../../../runtime/errors/index.ts";
import { RULES_LIMITS, RulesFile } from "./rules-file.ts";

const fileWith = (content: string) => {
  const dir = mkdtempSync(join(tmpdir(), "trends-rules-"));
  writeFileSync(join(dir, "rules.json"), content);
  return new RulesFile(join(dir, "rules.json"));
};
const rule = (over: Record<string, unknown>) => ({
  id: "r1",
  source: "bluesky",
  tag: "acme",
  value: "acme",
  ...over,
});
const doc = (...rules: unknown[]) => JSON.stringify({ rules });

/** The usage error (exit 2) a file gives on list, add and compile alike. */
function refusal(f: RulesFile): string {
  const messages = [() => f.list(), () => f.add("ok", "ok"), () => f.compiled()].map((run) => {
    try {
      run();
    } catch (e) {
      if (isTrendsError(e) && e.exitCode === 2 && e.fix) return e.message;
      throw e;
    }
    throw new Error("accepted");
  });
  expect(new Set(messages).size).toBe(1);
  return messages[0]!;
}

describe("a hand-edited rules file is held to what `rules add` accepts", () => {
  it.each([
    ["a 70-character tag", doc(rule({}), rule({ id: "r2", tag: "a".repeat(70) })), /rule 2 \(id r2\): "tag"/],
    ["an entry without source", doc(rule({ source: undefined })), /rule 1 \(id r1\): "source"/],
    ["an entry that is null", doc(rule({}), null), /rule 2:/],
    ["a tag with a NUL", doc(rule({ tag: "ac\u0000me" })), /rule 1 \(id r1\): "tag"/],
    [
      "a value too long",
      doc(rule({ value: "w ".repeat(600) })),
      /rule 1 \(id r1\): "value" must be 1 to 1,024/,
    ],
    [
      "a value with nothing to match",
      doc(rule({ value: "-spam lang:en" })),
      /rule 1 \(id r1\): rule .* no word/,
    ],
    ["a value that is not a string", doc(rule({ value: 5 })), /rule 1 \(id r1\): "value"/],
    ["a file of null", "null", /has no "rules" list/],
    ["rules that are not a list", '{"rules": {}}', /has no "rules" list/],
  ])("refuses %s, naming the entry", (_, content, message) => {
    expect(refusal(fileWith(content))).toMatch(message);
  });

  it("refuses a 20,000-word value and an oversized file before compiling anything", () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i}`).join(" ");
    expect(refusal(fileWith(doc(rule({ value: words }))))).toMatch(/rule 1 \(id r1\): "value"/);
    expect(refusal(fileWith(doc(rule({}), "x".repeat(RULES_LIMITS.fileBytes))))).toMatch(
      /is over 1,048,576 bytes/,
    );
    const many = "x ".repeat(RULES_LIMITS.terms + 1);
    expect(refusal(fileWith(doc(rule({ value: many }))))).toMatch(/more than 256 terms/);
  });

  it("keeps keys it does not know through `rules add` and `rules delete`", () => {
    const f = fileWith(JSON.stringify({ note: "owned by ops", rules: [rule({ comment: "launch" })] }));
    const added = f.add("beta", "beta");
    f.delete([added.id]);
    expect(JSON.parse(readFileSync(f.path, "utf8"))).toEqual({
      note: "owned by ops",
      rules: [rule({ comment: "launch" })],
    });
  });

  it("leaves no lock or temporary file behind", () => {
    const f = fileWith(doc(rule({})));
    f.add("beta", "beta");
    expect(readdirSync(join(f.path, ".."))).toEqual(["rules.json"]);
    expect(f.list().map((r) => r.tag)).toEqual(["acme", "beta"]);
  });
});
