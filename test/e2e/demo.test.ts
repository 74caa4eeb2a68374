import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_DEFAULTS, type DemoReport, runDemo } from "../../demo/index.ts";
import { loadConfig } from "../../runtime/config/index.ts";
import { freshDatabase } from "../support/services.ts";

/**
 * `trends demo` as a test: the whole local pipeline, checked against the synthetic generator's
 * known truth (what it made dominant, where the crisis starts, how many lines it corrupted).
 */
describe("e2e: the local pipeline (trends demo)", () => {
  let report: DemoReport;

  beforeAll(async () => {
    const settings = loadConfig({ flags: { databaseUrl: await freshDatabase("e2e"), logLevel: "warn" } });
    const lines: string[] = [];
    report = await runDemo(
      settings,
      { ...DEMO_DEFAULTS, minutes: 90, tweets: 4_000, seed: 7 },
      { stage: (n, of, text) => lines.push(`[${n}/${of}] ${text}`), detail: (text) => lines.push(text) },
      new AbortController().signal,
    );
  });

  it("processes every window once, successfully", () => {
    expect(report.windows.map((w) => w.status)).toEqual(Array(6).fill("succeeded"));
  });

  it("counts add up: events generated minus those deliberately corrupted", () => {
    const { truth, ingest, summary } = report;
    expect(truth.corrupted).toBe(DEMO_DEFAULTS.corrupt);
    expect(ingest.badMessages).toBe(truth.corrupted);
    expect(ingest.events).toBe(truth.tweets);
    expect(summary.tweets).toBe(truth.counts["*"]);
    expect(truth.counts["*"]).toBe(4_000);
  });

  it("ranks the seeded top influencer of each topic first", () => {
    for (const [topic, top] of Object.entries(report.truth.topInfluencer)) {
      expect(report.summary.influencers[topic]?.[0]?.authorId, `topic ${topic}`).toBe(top.author_id);
    }
  });

  it("alerts in the crisis window of the crisis topic and nowhere else", () => {
    const alerts = report.summary.alerts.map((a) => ({
      topic: a.topic,
      window: a.windowStart.toISOString(),
    }));
    expect(alerts).toEqual([
      { topic: DEMO_DEFAULTS.crisisTopic, window: report.plan.crisisAt.toISOString() },
    ]);
  });

  it("stores per-window sentiment counts equal to the generated ones", () => {
    for (const p of report.summary.sentiment) {
      const expected = report.truth.windows[p.windowStart.toISOString()]?.[DEMO_DEFAULTS.crisisTopic] ?? 0;
      expect(p.nTweets, p.windowStart.toISOString()).toBe(expected);
    }
  });
});
