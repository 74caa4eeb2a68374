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
      row(1, "*", "❤", 1, 1, 3),
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

// By hand, topic *, windows 0 and 1: 😡 2 + 6 = 8 (best rank 1), 🔥 5 + 1 = 6 (best rank 1), ❤ 1
// (window 1 only). Distinct authors do not add up: shown only for ❤, the one-window row.
const EXPECTED = [
  { emoji: "😡", count: 8, authors: null, windows: 2, best_rank: 1 },
  { emoji: "🔥", count: 6, authors: null, windows: 2, best_rank: 1 },
  { emoji: "❤", count: 1, authors: 1, windows: 1, best_rank: 3 },
];

describe("a shipped spec added as one file: emoji_window", () => {
  it("is read by trends query metric (--json and the table)", async () => {
    const range = ["--from", at(0), "--to", at(2), "--database-url", url];
    const json = await trends(["query", "metric", "emoji_window", "--topic", "*", "--json", ...range]);
    expect(json.code, json.stderr).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body.rows).toEqual(EXPECTED);
    expect(body).toMatchObject({
      by: "range",
      notAdditive: { authors: expect.stringContaining("distinct") },
    });
    const table = await trends(["query", "metric", "emoji_window", "--topic", "*", "--limit", "1", ...range]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("😡");
    expect(table.stdout).not.toContain("🔥");
    expect(table.stdout).toContain("note: authors does not add up over windows");
  });

  it("is served by GET /api/metrics/emoji_window", async () => {
    const q = new URLSearchParams({ topic: "*", from: at(0), to: at(2) });
    const res = await fetch(new URL(`/api/metrics/emoji_window?${q}`, server.url));
    const body = (await res.json()) as {
      shape: unknown;
      rows: unknown;
      columns: unknown;
      notAdditive: unknown;
    };
    expect(res.status).toBe(200);
    expect(body.shape).toEqual({ kind: "ranked", label: "emoji", by: "count" });
    expect(body.rows).toEqual(EXPECTED);
    // Every measure of the ranked metric, and which of them are per window only.
    expect(body.columns).toEqual([
      { name: "emoji", type: "text" },
      { name: "count", type: "bigint" },
      { name: "authors", type: "bigint" },
      { name: "windows", type: "integer" },
      { name: "best_rank", type: "integer" },
    ]);
    expect(Object.keys(body.notAdditive as object)).toEqual(["authors"]);
    // Per window on request: the stored rows, authors in each.
    const per = await fetch(new URL(`/api/metrics/emoji_window?${q}&by=window`, server.url));
    const perBody = (await per.json()) as { by: string; rows: { authors: number }[] };
    expect(perBody.by).toBe("window");
    // Oldest window first, then by key: window 0 🔥 4, 😡 2; window 1 ❤ 1, 🔥 1, 😡 5.
    expect(perBody.rows.map((r) => r.authors)).toEqual([4, 2, 1, 1, 5]);
    const bad = await fetch(new URL(`/api/metrics/emoji_window?${q}&by=day`, server.url));
    expect(bad.status).toBe(400);
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
      lis.map((li) =>
        ["emoji", "count", "authors", "windows", "best_rank"].map((f) =>
          li.querySelector(`[data-field="${f}"]`)?.textContent?.replace(/^[a-z_]+ /, ""),
        ),
      ),
    );
    // Every measure of the roll-up; distinct authors only where the range holds one window.
    expect(ranked).toEqual([
      ["😡", "8", "–", "2", "1"],
      ["🔥", "6", "–", "2", "1"],
      ["❤", "1", "1", "1", "3"],
    ]);
    expect(await page.getAttribute('section[data-metric="emoji_window"] .note', "data-not-additive")).toBe(
      "authors",
    );
    expect(problems).toEqual([]);
    await context.close();
  });
});
