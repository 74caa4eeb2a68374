import { describe, expect, it } from "vitest";
import { createVaderAnalyser, defaultLexicon, parseLexicon } from "./index.ts";

// Expected values worked out by hand from the rules: compound = x / √(x² + 15), rounded to 4
// places; "good" = 2.5, "bad" = −2.6, "great" = 2.6, "sad" = −2.7, "😍" = 3.0, ":(" = −2.0.
const vader = createVaderAnalyser();
const score = (t: string) => vader.scoreText(t).score;

describe("vader scorer", () => {
  it("scores a single word: 2.5 / √(2.5² + 15)", () => {
    expect(vader.scoreText("good")).toEqual({ score: 0.5423, magnitude: 0.625 });
  });

  it("neutral text scores 0 with magnitude 0", () => {
    expect(vader.scoreText("the phone ships on tuesday")).toEqual({ score: 0, magnitude: 0 });
    expect(vader.scoreText("")).toEqual({ score: 0, magnitude: 0 });
  });

  it("negation flips and damps: not good = 2.5 × −0.74", () => {
    expect(score("not good")).toBe(-0.431);
    expect(score("not bad")).toBe(0.4449);
    expect(score("it isn't very good")).toBe(-0.4708);
    expect(score("don't hate it")).toBeGreaterThan(0);
  });

  it("boosters add 0.293 in the word's direction", () => {
    expect(vader.scoreText("very good")).toEqual({ score: 0.5849, magnitude: 0.6983 });
    expect(score("never so good")).toBe(0.6696);
    expect(score("very bad")).toBeLessThan(score("bad"));
    expect(score("slightly good")).toBeLessThan(score("good"));
  });

  it("ALL-CAPS in mixed-case text adds 0.733, but not when everything is in capitals", () => {
    expect(score("GOOD day")).toBe(0.6408);
    expect(score("VERY GOOD day")).toBe(0.7398);
    expect(score("GOOD")).toBe(0.5423);
  });

  it("exclamation marks add 0.292 each, up to four", () => {
    expect(vader.scoreText("good!!!")).toEqual({ score: 0.6571, magnitude: 0.844 });
    expect(score("good!!!!!!")).toBe(0.6876);
  });

  it("but: before × 0.5, after × 1.5", () => {
    expect(vader.scoreText("good but bad")).toEqual({ score: -0.5647, magnitude: 1.2875 });
  });

  it("emoji and emoticons score, glued to words or not", () => {
    expect(vader.scoreText("great😍")).toEqual({ score: 0.8225, magnitude: 1.4 });
    expect(score("great 😍")).toBe(0.8225);
    expect(score("sad :(")).toBe(-0.7717);
    expect(score("❤️❤️")).toBeGreaterThan(0.6);
  });

  it("strips punctuation and hashtags from words, and 'least' negates", () => {
    expect(score("#good,")).toBe(0.5423);
    expect(score("least good")).toBe(-0.431);
    expect(score("at least good")).toBe(0.5423);
  });

  it("analyse keeps order and length", async () => {
    const out = await vader.analyse([
      { text: "good", lang: "en" },
      { text: "bad", lang: "en" },
    ]);
    expect(out.map((s) => s?.score)).toEqual([0.5423, -0.5574]);
  });
});

describe("lexicon", () => {
  it("ships over a thousand entries with valences in −4…4", () => {
    const lex = defaultLexicon();
    expect(lex.size).toBeGreaterThan(1000);
    expect(lex.get("love")).toBe(3.3);
    expect(lex.get("😭")).toBe(-2.5);
  });

  it("names the line of a bad entry", () => {
    expect(() => parseLexicon("1 a\n2 a")).toThrow("lexicon line 2: a is listed twice");
    expect(() => parseLexicon("# c\n9 x")).toThrow("lexicon line 2: valence 9 is not a number in −4…4");
  });
});
