import { describe, expect, it } from "vitest";
import { compileRule, matchRules } from "./rules.ts";

const tags = (value: string, text: string, o: { hashtags?: string[]; langs?: string[] } = {}) =>
  matchRules([compileRule("t", value)], text, o.hashtags ?? [], o.langs ?? []);
const hit = (value: string, text: string, o?: { hashtags?: string[]; langs?: string[] }) =>
  tags(value, text, o).length === 1;

describe("rule values (the matching semantics)", () => {
  it("words match whole words, case-insensitively, any one of them", () => {
    expect(hit("acme", "I like ACME a lot")).toBe(true);
    expect(hit("acme OR widget", "a new widget")).toBe(true);
    expect(hit("acme", "acmecorp and xacme")).toBe(false);
    expect(hit("acme", "acme_x")).toBe(false);
    expect(hit("acme", "(acme), acme.")).toBe(true);
    expect(hit("café", "au Café!")).toBe(true);
    expect(hit("acme.com", "see acme.com now")).toBe(true);
    expect(hit("acme.com", "see acme.comx")).toBe(false);
    expect(hit("@acme", "hi @acme")).toBe(true);
    expect(hit("@acme", "x@acme")).toBe(false);
  });

  it('"quoted phrases" match their words in order, across any whitespace', () => {
    expect(hit('"acme corp"', "the Acme \n  Corp story")).toBe(true);
    expect(hit('"acme corp"', "corp acme")).toBe(false);
    expect(hit('"acme corp"', "acme corporation")).toBe(false);
    expect(hit('"acme corp"', "acmecorp")).toBe(false);
  });

  it("#hashtags match a tag facet or the tag written in the text", () => {
    expect(hit("#acme", "nothing here", { hashtags: ["acme"] })).toBe(true);
    expect(hit("#acme", "love #ACME")).toBe(true);
    expect(hit("#acme", "love acme")).toBe(false);
    expect(hit("#acme", "love x#acme")).toBe(false);
  });

  it('-word and -"phrase" exclude; lang:xx requires one of the post\'s languages', () => {
    expect(hit("acme -spam", "acme spam")).toBe(false);
    expect(hit("acme -spam", "acme spammer")).toBe(true);
    expect(hit('acme -"buy now"', "acme: buy  now")).toBe(false);
    expect(hit("acme lang:en", "acme", { langs: ["en-US"] })).toBe(true);
    expect(hit("acme lang:en", "acme", { langs: ["fr"] })).toBe(false);
    expect(hit("acme lang:pt-BR", "acme", { langs: ["pt-BR"] })).toBe(true);
  });

  it("gives each matching rule's tag once, in rule order", () => {
    const rules = [compileRule("b", "beta"), compileRule("a", "alpha"), compileRule("b", "alpha")];
    expect(matchRules(rules, "alpha beta", [], [])).toEqual(["b", "a"]);
  });

  it("refuses a value with nothing to match", () => {
    expect(() => compileRule("t", "-spam lang:en OR")).toThrow(/no word/);
  });
});

describe("a rule of 20,000 words", () => {
  it("compiles to a lookup, not a regex: it matches correctly within a bounded heap", () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}x`);
    const heapBefore = process.memoryUsage().heapUsed;
    const rule = compileRule("big", `${words.join(" ")} -${words.map((w) => `${w}no`).join(" -")}`);
    const text = `a post about ${words[19_999]} and more`.repeat(100);
    expect(matchRules([rule], text, [], [])).toEqual(["big"]);
    expect(matchRules([rule], `${text} ${words[7]}no`, [], [])).toEqual([]);
    expect(matchRules([rule], "nothing of the sort", [], [])).toEqual([]);
    // The one-regex compiler needed 5.2 GB for this rule (issue 29); a trie needs a few MB.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
  });
});
