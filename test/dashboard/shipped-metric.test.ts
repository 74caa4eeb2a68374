import type { Kysely } from "kysely";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardServer, dataFromDb, startDashboard } from "../../dashboard/index.ts";
import { type Database, migrateToLatest, openDb } from "../../sql/index.ts";
import { trends } from "../support/cli.ts";
import { freshDatabase } from "../support/services.ts";
import { launchChromium } from "./chromium.ts";
import { at, HOSTILE_TOPIC, unscored } from "./seed.ts";

/**
 * emoji_window was added as one spec file (sparkgen/specs/emoji-window.ts) and `trends sparkgen`;
 * no reader was edited. Its rows reach `trends query metric`, `GET /api/metrics/emoji_window` and a
 * ranked dashboard panel through the shipped migrations and catalog alone.
 */
let url: string;
let db: Kysely<Database>;
let server: DashboardServer;
let browser: Browser;

beforeAll(async () => {
  url = await freshDatabase("dash_emoji");
  db = openDb(url);
  await migrateToLatest(db);
  // The page lists topics from sentiment_window.
  await db
    .insertInto("sentiment_window")
    .values([0, 1].map((i) => unscored(i, "*", 10)))
    .execute();
  const row = (i: number, topic: string, emoji: string, count: number, authors: number, rank: number) => ({
    window_start: at(i),
    window_end: at(i + 1),
    topic,
    emoji,
    count,
    authors,
    rank,
  });
  await db
    .insertInto("emoji_window")
    .values([
      row(0, "*", "🔥", 5, 4, 1),
      row(0, "*", "😡", 2, 2, 2),
      row(1, "*", "😡", 6, 5, 1),
      row(1, "*", "🔥", 1, 1, 2),
      row(1, HOSTILE_TOPIC, "👍", 50, 9, 1),
    ])
    .execute();
  server = await startDashboard({ data: dataFromDb(openDb(url)), port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.destroy();
});

// By hand, topic *, windows 0 and 1: 😡 2 + 6 = 8 (best rank 1), 🔥 5 + 1 = 6 (best rank 1).
const EXPECTED = [
  { emoji: "😡", count: 8, windows: 2, best_rank: 1 },
  { emoji: "🔥", count: 6, windows: 2, best_rank: 1 },
];

describe("a shipped spec added as one file: emoji_window", () => {
  it("is read by trends query metric (--json and the table)", async () => {
    const range = ["--from", at(0), "--to", at(2), "--database-url", url];
    const json = await trends(["query", "metric", "emoji_window", "--topic", "*", "--json", ...range]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(EXPECTED);
    const table = await trends(["query", "metric", "emoji_window", "--topic", "*", "--limit", "1", ...range]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("😡");
    expect(table.stdout).not.toContain("🔥");
  });

  it("is served by GET /api/metrics/emoji_window", async () => {
    const q = new URLSearchParams({ topic: "*", from: at(0), to: at(2) });
    const res = await fetch(new URL(`/api/metrics/emoji_window?${q}`, server.url));
    const body = (await res.json()) as { shape: unknown; rows: unknown };
    expect(res.status).toBe(200);
    expect(body.shape).toEqual({ kind: "ranked", label: "emoji", by: "count" });
    expect(body.rows).toEqual(EXPECTED);
  });

  it("gets a ranked dashboard panel (Chromium)", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1400 }, timezoneId: "UTC" });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(err.message));
    await page.goto(`${server.url}#topic=*&range=6h&end=${at(12)}`);
    await page.waitForSelector('section[data-metric="emoji_window"] li');
    expect(await page.getAttribute('section[data-metric="emoji_window"]', "data-shape")).toBe("ranked");
    const ranked = await page.$$eval('section[data-metric="emoji_window"] li', (lis) =>
      lis.map((li) => [
        li.querySelector('[data-field="emoji"]')?.textContent,
        li.querySelector('[data-field="count"]')?.textContent,
      ]),
    );
    expect(ranked).toEqual([
      ["😡", "8"],
      ["🔥", "6"],
    ]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
