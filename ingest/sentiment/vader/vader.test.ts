import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SentimentAnalyser } from "../../types.ts";
import { createVaderAnalyser, defaultLexicons, loadVaderLexicons, parseWordLexicon } from "./index.ts";

// Expected values worked out by hand from vaderSentiment 3.3.2's rules and lexicon (and checked
// against the reference; test/sentiment/vader-agreement.test.ts compares thousands of texts):
// compound = x / √(x² + 15), 4 places. Lexicon: good 1.9, bad −2.5, great 3.1, sad −2.1, :( −1.9,
// and 😍 is "smiling face with heart-eyes" (smiling 1.6). magnitude = Σ |valence| / 4.
const vader = createVaderAnalyser();
const score = (t: string) => vader.scoreText(t).score;

describe("vader scorer (vaderSentiment 3.3.2's rules)", () => {
  it("scores a single word: 1.9 / √(1.9² + 15)", () => {
    expect(vader.scoreText("good")).toEqual({ score: 0.4404, magnitude: 0.475 });
  });

  it("neutral text scores 0 with magnitude 0", () => {
    expect(vader.scoreText("the phone ships on tuesday")).toEqual({ score: 0, magnitude: 0 });
    expect(vader.scoreText("")).toEqual({ score: 0, magnitude: 0 });
  });

  it("negation within three tokens flips and damps (× −0.74), n't included", () => {
    expect(vader.scoreText("not good")).toEqual({ score: -0.3412, magnitude: 0.3515 }); // −1.406
    expect(score("not bad")).toBe(0.431); // 1.85
    expect(score("it isn't very good")).toBe(-0.3865); // (1.9 + 0.293) × −0.74
    expect(score("no good")).toBe(-0.3412);
  });

  it("boosters add 0.293 in the word's direction; never so/this boosts × 1.25", () => {
    expect(vader.scoreText("very good")).toEqual({ score: 0.4927, magnitude: 0.5483 }); // 2.193
    expect(score("never so good")).toBe(0.5777); // (1.9 + 0.293) × 1.25 (+0.293 × 0.95 before)
    expect(score("very bad")).toBeLessThan(score("bad"));
    expect(score("slightly good")).toBeLessThan(score("good"));
  });

  it("ALL-CAPS in mixed-case text adds 0.733, but not when everything is in capitals", () => {
    expect(score("GOOD day")).toBe(0.5622); // 2.633
    expect(score("VERY GOOD day")).toBe(0.6867); // 1.9 + 0.733 + 0.293 + 0.733
    expect(score("GOOD")).toBe(0.4404);
  });

  it("exclamation marks add 0.292 each, up to four", () => {
    expect(vader.scoreText("good!!!")).toEqual({ score: 0.5826, magnitude: 0.694 }); // 1.9 + 0.876
    expect(score("good!!!!!!")).toBe(0.6209); // 1.9 + 1.168
  });

  it("but: before × 0.5, after × 1.5", () => {
    expect(vader.scoreText("good but bad")).toEqual({ score: -0.5859, magnitude: 1.175 }); // 0.95 − 3.75
  });

  it("emoji count through their descriptions, glued to words or not", () => {
    expect(vader.scoreText("great😍")).toEqual({ score: 0.7964, magnitude: 1.275 }); // 3.1 + 1.6
    expect(score("great 😍")).toBe(0.7964);
    expect(score("sad :(")).toBe(-0.7184); // −4.0
  });

  it("strips punctuation and hashtags from words, and 'least' negates unless after at/very", () => {
    expect(score("#good,")).toBe(0.4404);
    expect(score("least good")).toBe(-0.3412);
    expect(score("at least good")).toBe(0.4404);
  });

  it("deviates from the reference on D: (a frown, which its lower-casing scores +1.2)", () => {
    // The lexicon lists d: twice, −2.9 (the frown) then 1.2; the reference keeps 1.2 for "D:".
    expect(score("D:")).toBe(-0.5994); // −2.9
    expect(score("d:")).toBe(0.296); // 1.2, as the reference
  });

  it("analyse keeps order and length", async () => {
    const out = await vader.analyse([
      { text: "good", lang: "en" },
      { text: "bad", lang: null },
    ]);
    expect(out.map((s) => s?.score)).toEqual([0.4404, -0.5423]);
  });
});

describe("vader and languages", () => {
  const texts = [
    { text: "great product", lang: "en" },
    { text: "produit génial", lang: "fr" },
    { text: "great 😍", lang: "und" },
    { text: "muy bueno", lang: "es" },
    { text: "love it", lang: "en-GB" },
  ];

  it("leaves texts in a known language other than English unscored, and counts them", async () => {
    const a = createVaderAnalyser();
    const out = await a.analyse(texts);
    expect(out.map((s) => s === null)).toEqual([false, true, false, true, false]);
    expect(a.skippedLanguage()).toBe(2);
  });

  it("hands them to another analyser when one is given, marked with its name", async () => {
    const seen: string[] = [];
    const other: SentimentAnalyser = {
      name: "google",
      analyse: async (items) =>
        items.map((it) => {
          seen.push(it.lang ?? "");
          return { score: 0.5, magnitude: 1 };
        }),
    };
    const a = createVaderAnalyser({ otherLanguages: other });
    const out = await a.analyse(texts);
    expect(seen).toEqual(["fr", "es"]);
    expect(out[1]).toEqual({ score: 0.5, magnitude: 1, source: "google" });
    expect(out[0]?.source).toBeUndefined();
    expect(a.skippedLanguage()).toBe(0);
  });
});

describe("lexicons", () => {
  it("loads vaderSentiment's published lexicons from the installed distribution", () => {
    const lex = defaultLexicons();
    expect(lex.words.size).toBeGreaterThan(7000);
    expect(lex.words.get("love")).toBe(3.2);
    expect(lex.emoji.get(0x1f60d)).toBe("smiling face with heart-eyes");
    expect(lex.exact.get("D:")).toBe(-2.9);
  });

  it("keeps the last valence of a token listed twice, and names a bad line", () => {
    const { words, first } = parseWordLexicon("x\t1.0\t0.5\t[1]\nx\t-2\t0.1\t[-2]\n");
    expect(words.get("x")).toBe(-2);
    expect(first.get("x")).toBe(1);
    expect(() => parseWordLexicon("ok\t1\nbad\tnine\n")).toThrow("vader_lexicon.txt line 2");
  });

  it("reads a lexicon pair from files (a domain-specific one works the same way)", () => {
    const dir = mkdtempSync(join(tmpdir(), "trends-vader-"));
    writeFileSync(join(dir, "w.txt"), "meh\t-1.0\t0.1\t[-1]\nsmiling\t1.6\t0.1\t[2]\n");
    writeFileSync(join(dir, "e.txt"), "😀\tsmiling face\n🇺🇸\tflag: United States\n");
    const lex = loadVaderLexicons({ lexicon: join(dir, "w.txt"), emojiLexicon: join(dir, "e.txt") });
    expect([...lex.emoji.keys()]).toEqual([0x1f600]); // several code points never match, as in the reference
    expect(createVaderAnalyser({ lexicons: lex }).scoreText("meh 😀").score).toBe(0.1531); // 0.6
  });
});
