import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_DEFAULTS, type DemoReport, runDemo } from "../../demo/index.ts";
import { loadConfig } from "../../runtime/config/index.ts";
import { freshDatabase } from "../support/services.ts";
import { expectTruth } from "./truth.ts";

/**
 * `trends demo` as a test: the whole local pipeline (directory sink, local runner through the
 * scheduler's code), checked against the synthetic generator's known truth.
 */
describe("e2e: the local pipeline (trends demo)", () => {
  let report: DemoReport;
  const stages: string[] = [];

  beforeAll(async () => {
    const settings = loadConfig({ flags: { databaseUrl: await freshDatabase("e2e"), logLevel: "warn" } });
    report = await runDemo(
      settings,
      { ...DEMO_DEFAULTS, minutes: 90, tweets: 4_000, seed: 7 },
      { stage: (n, of, text) => stages.push(`[${n}/${of}] ${text}`), detail: () => {} },
      new AbortController().signal,
    );
  }, 900_000);

  it("goes through the four stages and processes every window once, successfully", () => {
    expect(stages.map((s) => s.slice(0, 5))).toEqual(["[1/4]", "[2/4]", "[3/4]", "[4/4]"]);
    expect(report.windows.map((w) => w.status)).toEqual(Array(6).fill("succeeded"));
  });

  it("matches the generator's truth", () => {
    expect(report.truth.counts["*"]).toBe(4_000);
    expectTruth(
      { ...report, ingested: report.ingest.events, badMessages: report.ingest.badMessages },
      DEMO_DEFAULTS.crisisTopic,
    );
  });
});
