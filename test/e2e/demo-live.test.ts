import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_DEFAULTS, type DemoReport, runDemo } from "../../demo/index.ts";
import { loadConfig } from "../../runtime/config/index.ts";
import { openDb } from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";
import { expectTruth } from "./truth.ts";

/**
 * `trends demo --live` as a test: the windows before the crisis final, then the crisis window
 * replayed in real time with the live application up. Its provisional sentiment alert must be
 * printed before the window's final run, which confirms it; the finals still match the generator's
 * truth. Kept short for CI's two cores: the demo's smallest stream and ×30 (the crisis window's 15
 * minutes in 30 s; the command's default is ×10).
 */
describe("e2e: trends demo --live", () => {
  let report: DemoReport;
  let url: string;
  const printed: string[] = [];

  beforeAll(async () => {
    url = await freshDatabase("e2e_live");
    const settings = loadConfig({ flags: { databaseUrl: url, logLevel: "warn" } });
    report = await runDemo(
      settings,
      { ...DEMO_DEFAULTS, minutes: 90, tweets: 4_000, seed: 7, live: true, pace: 30 },
      {
        stage: (n, of, text) => printed.push(`[${n}/${of}] ${text}`),
        detail: () => {},
        alert: (text) => printed.push(text),
      },
      new AbortController().signal,
    );
  }, 1_800_000);

  it("prints the provisional alert while the crisis window is open, then the final one", () => {
    const topic = DEMO_DEFAULTS.crisisTopic;
    const provisional = printed.findIndex(
      (l) => l.startsWith(`PROVISIONAL sentiment alert`) && l.includes(`topic ${topic},`),
    );
    const finalRun = printed.findIndex((l) => l.startsWith("[5/6]"));
    const confirmed = printed.findIndex(
      (l) => l.startsWith(`CONFIRMED sentiment alert`) && l.includes(`topic ${topic},`),
    );
    expect(provisional, printed.join("\n")).toBeGreaterThan(printed.findIndex((l) => l.startsWith("[4/6]")));
    expect(finalRun).toBeGreaterThan(provisional);
    expect(confirmed).toBeGreaterThan(finalRun);
    expect(report.live?.settled).toContainEqual(
      expect.objectContaining({ kind: "sentiment_alert", topic, state: "confirmed" }),
    );
  });

  it("computes every window final once, leaves no provisional row, and matches the generator's truth", async () => {
    expect(report.windows.map((w) => w.status)).toEqual(Array(6).fill("succeeded"));
    const db = openDb(url);
    try {
      const left = await sql<{ n: string }>`select count(*) as n from provisional_row`.execute(db);
      expect(Number(left.rows[0]!.n)).toBe(0);
    } finally {
      await db.destroy();
    }
    const live = report.live!.ingest;
    expectTruth(
      {
        ...report,
        ingested: report.ingest.events + live.events,
        badMessages: report.ingest.badMessages + live.badMessages,
      },
      DEMO_DEFAULTS.crisisTopic,
    );
  });
});
