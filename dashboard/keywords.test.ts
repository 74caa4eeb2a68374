import { describe, expect, it } from "vitest";
import { keywordsOf, topicKeywords } from "./keywords.ts";

describe("the query's own keywords", () => {
  it("takes a rule's words, phrases and hashtags as the word cloud stores words, with and without #", () => {
    expect(topicKeywords("acme", 'acme OR "Acme Corp" OR #AcmeDay -spam -"bad news" lang:en')).toEqual([
      "#acme",
      "#acmeday",
      "#corp",
      "acme",
      "acmeday",
      "corp",
    ]);
  });

  it("leaves out what the cloud never holds: short words, numbers, an apostrophe at either end", () => {
    expect(topicKeywords("big-co", "'ok' OR 2026 OR o'neil")).toEqual(["#big", "#o'neil", "big", "o'neil"]);
  });

  it("uses the tag itself when the rule is not known (X's rules live on X's servers)", () => {
    expect(keywordsOf("globex", [{ tag: "acme", value: "acme OR #acme" }])).toEqual(["#globex", "globex"]);
  });

  it("gives all tweets (*) every tracked topic's keywords", () => {
    expect(keywordsOf("*", [{ tag: "acme", value: "acme OR rocket" }, { tag: "globex" }])).toEqual([
      "#acme",
      "#globex",
      "#rocket",
      "acme",
      "globex",
      "rocket",
    ]);
  });
});
