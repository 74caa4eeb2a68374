import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardServer, dataFromDb, startDashboard } from "../../dashboard/index.ts";
import { freePort } from "../../runtime/proc.ts";
import { ALERT_OWN_COLUMNS, type Database, migrateToLatest, openDb } from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";
import { launchChromium } from "./chromium.ts";
import {
  at,
  clearLive,
  HOSTILE_TAG,
  HOSTILE_TOPIC,
  IMG_WORD,
  inf,
  LONG_WORD,
  SCRIPT_NAME,
  seedDashboard,
  seedLive,
  unscored,
  VOLUME_MINUTES,
  word,
} from "./seed.ts";

const SCREENSHOT = fileURLToPath(new URL("../artifacts/dashboard.png", import.meta.url));
const LIVE_SCREENSHOT = fileURLToPath(new URL("../artifacts/dashboard-live.png", import.meta.url));

const num = new Intl.NumberFormat("en-US");
const END = at(12); // 03:00 UTC: the page's range "6h ending 03:00" covers every seeded window
const FROM = new Date(Date.parse(END) - 6 * 3600_000);

let browser: Browser;
let db: Kysely<Database>;
let server: DashboardServer;
const problems: string[] = [];

beforeAll(async () => {
  const url = await freshDatabase("dash_ui");
  db = openDb(url);
  await migrateToLatest(db);
  await seedDashboard(db);
  server = await startDashboard({ data: dataFromDb(openDb(url)), port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.destroy();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1100 }, timezoneId: "UTC" });
  const page = await context.newPage();
  // A CSP violation, a script error or a failed request is a bug of the page: collect them all.
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 503/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return page;
}

const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? "";

/** The influencers table as shown, one object per row keyed by data-field. */
const shownTable = (page: Page, table: string) =>
  page.$$eval(`${table} tbody tr`, (rows) =>
    rows.map((r) =>
      Object.fromEntries(
        Array.from(r.querySelectorAll("td[data-field]")).map((td) => [
          td.getAttribute("data-field"),
          td.textContent,
        ]),
      ),
    ),
  );

/** A chart box's x span as the page drew it (seconds; `data-x-min`, `data-x-max`). */
const span = (page: Page, selector: string): Promise<[number, number]> =>
  page.$eval(selector, (e) => {
    const d = (e as HTMLElement).dataset;
    return [Number(d.xMin), Number(d.xMax)] as [number, number];
  });
const sec = (iso: string) => Date.parse(iso) / 1000;

/** A share panel as shown: each line's label, percentages and other measures. */
const shares = (page: Page, metric: string) =>
  page.$$eval(`section[data-metric="${metric}"] ol.shares li[data-label]`, (lis) =>
    lis.map((li) => [
      li.querySelector(".label")!.textContent,
      ...Array.from(li.querySelectorAll(".share .pct"), (p) => p.textContent),
      ...Array.from(li.querySelectorAll(".measures > span"), (m) => m.textContent),
    ]),
  );

describe("dashboard page in headless Chromium", () => {
  it("shows the database's numbers, explains an alert on hover, switches topic, renders hostile data as text", async () => {
    const page = await newPage();
    await page.goto(`${server.url}#topic=*&range=6h&end=${END}`);
    await page.waitForFunction(() => document.getElementById("sum-tweets")?.textContent !== "–");

    // Summary cards = aggregates computed by PostgreSQL over the same windows.
    const s = await sql<{ tweets: number; scored: number; avg: number; windows: number }>`
      select sum(n_tweets)::bigint as tweets, sum(n_scored)::bigint as scored,
        sum(avg_score * n_scored) / sum(n_scored) as avg, count(*)::bigint as windows
      from sentiment_window where topic = '*' and window_start >= ${FROM} and window_start < ${new Date(END)}`.execute(
      db,
    );
    const sums = s.rows[0]!;
    expect(sums.tweets).toBe(1585); // by hand: Σ of the twelve n_tweets in seed.ts
    expect(await text(page, "#sum-tweets")).toBe(num.format(sums.tweets));
    expect(await text(page, "#sum-scored")).toBe(num.format(sums.scored));
    expect(await text(page, "#sum-score")).toBe(sums.avg.toFixed(3));
    expect(await text(page, "#sum-windows")).toBe(String(sums.windows));
    expect(await text(page, "#sum-alerts")).toBe("3"); // two sentiment alerts, one volume alert

    // Influencers table = the range aggregate straight from influencer_window.
    const inf = await db
      .selectFrom("influencer_window")
      .where("topic", "=", "*")
      .groupBy("author_id")
      .select((eb) => [
        "author_id",
        sql<string>`(array_agg(username order by window_start desc))[1]`.as("username"),
        eb.fn.sum<number>("score").as("score"),
        sql<number>`sum(retweets)::bigint`.as("retweets"),
        sql<number>`sum(favourites)::bigint`.as("favourites"),
        eb.fn.max<number>("followers").as("followers"),
        eb.fn.max<number>("depth").as("depth"),
        sql<number>`sum(tweets)::bigint`.as("tweets"),
      ])
      .orderBy(sql`sum(score)`, "desc")
      .execute();
    expect(await shownTable(page, "#influencers")).toEqual(
      inf.map((r, i) => ({
        rank: String(i + 1),
        author: `@${r.username}${r.author_id}`,
        score: r.score.toFixed(3),
        retweets: num.format(r.retweets),
        favourites: num.format(r.favourites),
        followers: num.format(r.followers),
        depth: String(r.depth),
        tweets: num.format(r.tweets),
      })),
    );
    expect(inf.map((r) => r.author_id)).toEqual(["a2", "a1", "a3"]);

    // Alerts table = every kind (the alerts view), newest first, with the bound each severity crossed.
    expect(await shownTable(page, "#alerts")).toEqual([
      {
        window: "2026-11-26 02:45–03:00",
        state: "final",
        kind: "sentiment_alert",
        entity: "–",
        severity: "warning",
        value: "avg_score 0.050",
        baseline_mean: "0.300",
        baseline_sd: "0.120",
        threshold: "0.240", // max(0.2, 2 · 0.12)
        details: "drop 0.250 · n_scored 150",
      },
      {
        window: "2026-11-26 02:45–03:00",
        state: "final",
        kind: "volume_alert",
        entity: "–",
        severity: "warning",
        value: "n_tweets 170",
        baseline_mean: "60.000",
        baseline_sd: "10.000",
        threshold: "120.000", // 60 + max(3 · 10, 60)
        details: "ratio 2.833", // 170 / 60
      },
      {
        window: "2026-11-26 02:30–02:45",
        state: "final",
        kind: "sentiment_alert",
        entity: "–",
        severity: "critical",
        value: "avg_score -0.100",
        baseline_mean: "0.455",
        baseline_sd: "0.020",
        threshold: "0.400", // max(0.4, 3 · 0.02)
        details: "drop 0.555 · n_scored 130",
      },
    ]);
    // The details cell lists each kind's own columns as the generated list has them: a page that
    // named the shipped alerts' columns would not show a new alert spec's.
    const shownColumns = await page.$$eval("#alerts tbody tr", (rs) =>
      rs.map((r) => [
        r.querySelector('[data-field="kind"]')!.textContent,
        Array.from(r.querySelectorAll('[data-field="details"] bdi'), (b) => b.getAttribute("data-column")),
      ]),
    );
    expect(shownColumns).toEqual(
      shownColumns.map(([kind]) => [
        kind,
        Object.entries(ALERT_OWN_COLUMNS)
          .filter(([, o]) => (o.kinds as readonly string[]).includes(kind as string))
          .map(([c]) => c),
      ]),
    );

    // Words: the list carries every term with its count; the cloud places them as SVG text.
    const words = await page.$$eval("#word-list li", (lis) =>
      lis.map((li) => [li.querySelector(".w")!.textContent, li.textContent]),
    );
    expect(words).toEqual([
      ["brand", "brand 17"],
      ["launch", "launch 11"],
      ["price", "price 6"],
      [LONG_WORD, `${LONG_WORD} 3`],
      [IMG_WORD, `${IMG_WORD} 2`],
    ]);
    await page.waitForFunction(() => Number(document.getElementById("cloud")?.dataset.placed ?? 0) > 0);
    const cloud = await page.$$eval("#cloud text", (ts) => ts.map((t) => t.firstChild?.textContent));
    expect(cloud).toContain("brand");
    expect(cloud).toContain(LONG_WORD);
    // The query's own keywords (acme 30, #acme 12 in all tweets) are left out until asked for.
    expect(cloud).not.toContain("acme");
    expect(await text(page, "#keywords-note")).toMatch(/^leaving out .*#acme .*\bacme\b/);
    await page.check("#show-keywords");
    await expect
      .poll(() => page.$$eval("#word-list .w", (ws) => ws.map((w) => w.textContent)))
      .toEqual(["acme", "brand", "#acme", "launch", "price", LONG_WORD, IMG_WORD]);
    expect(new URL(page.url()).hash).toContain("keywords=show");
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll("#cloud text"), (t) => t.firstChild?.textContent).includes("acme"),
    );
    expect(await text(page, "#keywords-note")).toMatch(/^including /);
    await page.uncheck("#show-keywords");
    await expect.poll(() => page.locator("#word-list li").count()).toBe(5);

    // The time axes fit the data, not the 6 hours asked for: the windows 00:00 … 03:00 with a 2 %
    // margin (0.02 × 3 h = 216 s); volume_minute's minutes 02:30 … 03:00 with at least a minute.
    expect(await span(page, "#chart")).toEqual([sec(at(0)) - 216, sec(END) + 216]);
    const minutes = 'section[data-metric="volume_minute"] .series';
    await page.waitForSelector(`${minutes} canvas`);
    expect(await span(page, minutes)).toEqual([
      sec(`2026-11-26T${VOLUME_MINUTES[0]![0]}:00Z`) - 60,
      sec("2026-11-26T03:00:00Z") + 60,
    ]);
    expect(await page.getAttribute(minutes, "data-points")).toBe(String(VOLUME_MINUTES.length));
    // A series is read along time: its panel is as wide as the sentiment chart's.
    const width = async (sel: string) => (await page.locator(sel).boundingBox())!.width;
    expect(await width('section[data-metric="volume_minute"]')).toBe(await width("#sentiment-panel"));

    // Hover the critical alert's window: the tooltip explains the drop.
    const over = (await page.locator("#chart .u-over").boundingBox())!;
    const xAt = async (iso: string) => {
      const [lo, hi] = await span(page, "#chart");
      return over.x + (over.width * (sec(iso) - lo)) / (hi - lo);
    };
    await page.mouse.move(await xAt(at(10)), over.y + over.height / 2);
    await expect.poll(() => page.locator("#tip").isVisible()).toBe(true);
    expect(await page.$$eval("#tip div", (ds) => ds.map((d) => d.textContent))).toEqual([
      "2026-11-26 02:30–02:45",
      "avg score -0.100 · 130 scored of 155",
      "positive 20% · negative 40%",
      "CRITICAL alert: sentiment dropped 0.555",
      "baseline mean 0.455 (sd 0.020, 8 windows)",
      "threshold max(0.4, 3·baseline_sd) = 0.400",
    ]);

    // Hostile data is text: shown verbatim, never parsed or run.
    expect(await page.locator('#influencers td[data-field="author"] .name').last().textContent()).toBe(
      `@${SCRIPT_NAME}`,
    );
    expect(await page.$$eval("#topic option", (os) => os.map((o) => o.textContent))).toEqual([
      "all tweets",
      HOSTILE_TOPIC,
      "acme",
    ]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("img, main script").count()).toBe(0);

    await page.mouse.move(over.x + over.width * 0.62, over.y + over.height * 0.4);
    mkdirSync(fileURLToPath(new URL("../artifacts/", import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Brushing a span zooms the chart to it (to the pixel); a double click fits the data again.
    const y = over.y + over.height / 2;
    const [x4, x8] = [await xAt(at(4)), await xAt(at(8))];
    await page.mouse.move(x4, y);
    await page.mouse.down();
    await page.mouse.move(x8, y, { steps: 5 });
    await page.mouse.up();
    const secondsPerPixel = (sec(END) + 216 - (sec(at(0)) - 216)) / over.width;
    await expect.poll(async () => (await span(page, "#chart"))[0]).not.toBe(sec(at(0)) - 216);
    const [lo, hi] = await span(page, "#chart");
    expect(Math.abs(lo - sec(at(4)))).toBeLessThanOrEqual(2 * secondsPerPixel);
    expect(Math.abs(hi - sec(at(8)))).toBeLessThanOrEqual(2 * secondsPerPixel);
    // The minute's refresh (here the button) keeps the brushed span.
    const drawn = await page.$("#chart canvas");
    await page.click("#refresh");
    await page.waitForFunction((c) => !c?.isConnected, drawn); // the chart was drawn anew
    await expect.poll(() => span(page, "#chart")).toEqual([lo, hi]);
    await page.mouse.dblclick((x4 + x8) / 2, y);
    await expect.poll(() => span(page, "#chart")).toEqual([sec(at(0)) - 216, sec(END) + 216]);

    // All tweets compares the tracked topics' share of voice (no row of its own): acme 30 of the
    // 220 tweets of windows 0 and 1 and 30 of the 35 tracked; HOSTILE_TOPIC 5 of them.
    expect(
      await page.$$eval('section[data-metric="share_of_voice_window"] li.head span', (ss) =>
        ss.map((x) => x.textContent),
      ),
    ).toEqual(["", "share_of_all", "share_of_tracked"]);
    expect(await shares(page, "share_of_voice_window")).toEqual([
      ["acme", "13.6%", "85.7%", "n_tweets 30", "windows 2"],
      [HOSTILE_TOPIC, "2.3%", "14.3%", "n_tweets 5", "windows 1"],
    ]);
    // Languages: each one's share of the range's 220 tweets, largest first.
    expect(await shares(page, "language_window")).toEqual([
      ["en", "72.7%", "n_tweets 160", "windows 2"],
      ["es", "13.6%", "n_tweets 30", "windows 1"],
      ["fr", "9.1%", "n_tweets 20", "windows 1"],
      ["und", "4.5%", "n_tweets 10", "windows 1"],
    ]);

    // Switch topic: the selection goes into the URL hash and survives a refresh.
    await page.selectOption("#topic", "acme");
    await expect.poll(() => text(page, "#sum-tweets")).toBe("30");
    expect(new URL(page.url()).hash).toBe(`#topic=acme&range=6h&end=${encodeURIComponent(END)}`);
    await page.click("#refresh");
    await page.reload();
    await expect.poll(() => text(page, "#sum-tweets")).toBe("30");
    expect(await page.locator("#topic").inputValue()).toBe("acme");
    // One topic's share of voice: its own line, named by the topic.
    expect(await shares(page, "share_of_voice_window")).toEqual([
      ["acme", "13.6%", "85.7%", "n_tweets 30", "windows 2"],
    ]);
    expect(await shownTable(page, "#influencers")).toEqual([
      {
        rank: "1",
        author: "@alicea1",
        score: "1.000",
        retweets: "4",
        favourites: "2",
        followers: "1,000",
        depth: "1",
        tweets: "1",
      },
    ]);
    expect(await text(page, "#sum-score")).toBe(((0.25 * 8 - 0.1 * 20) / 28).toFixed(3)); // "0.000"
    // acme's sentiment alert and its trending tag, whose markup is shown as text, never run.
    expect(await page.$$eval("#alerts tbody tr", (rs) => rs.length)).toBe(2);
    expect(await page.$$eval('#alerts [data-field="entity"]', (cs) => cs.map((c) => c.textContent))).toEqual([
      "–",
      `tag ${HOSTILE_TAG}`,
    ]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // A range with no windows for the topic offers to jump to its latest data.
    await page.selectOption("#range", "1h");
    await expect.poll(() => page.locator("#status").getAttribute("data-kind")).toBe("range-empty");
    expect(await text(page, "#status-text")).toBe(
      "No windows for acme in this range. Its latest window ends 2026-11-26 00:30.",
    );
    await page.click("#status-action");
    // 1 h ending 00:30 = [23:30, 00:30): both acme windows (10 + 20 tweets), and no banner.
    await expect.poll(() => page.locator("#status").isHidden()).toBe(true);
    expect(await text(page, "#end")).toBe("2026-11-26 00:30");
    expect(await text(page, "#sum-tweets")).toBe("30");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("refreshes every minute on its own, keeping the selection; the range ends now by default", async () => {
    const page = await newPage();
    // Fake time in the page (not a timing assertion): "now" is 03:10, and a minute passes on demand.
    await page.clock.install({ time: new Date("2026-11-26T03:10:00Z") });
    await page.goto(`${server.url}#topic=acme&range=6h`);
    await expect.poll(() => text(page, "#sum-tweets")).toBe("30");
    expect(await page.locator("#end-label").isHidden()).toBe(true);
    // A new window lands while the page is open.
    await db
      .insertInto("sentiment_window")
      .values(unscored(12, "acme", 40))
      .execute();
    try {
      await page.clock.fastForward(60_000);
      await expect.poll(() => text(page, "#sum-tweets")).toBe("70");
      expect(await text(page, "#sum-windows")).toBe("3");
      expect(await page.locator("#topic").inputValue()).toBe("acme");
      expect(new URL(page.url()).hash).toBe("#topic=acme&range=6h");
      expect(problems).toEqual([]);
    } finally {
      await db
        .deleteFrom("sentiment_window")
        .where("topic", "=", "acme")
        .where("window_start", "=", new Date(at(12)))
        .execute();
      await page.context().close();
    }
  });

  it("shows the open window at once, provisional, refreshes it every minute, then its alert confirmed", async () => {
    await seedLive(db);
    const page = await newPage();
    // "Now" is 03:08, inside window 12 (03:00–03:15), which live mode keeps fresh.
    await page.clock.install({ time: new Date("2026-11-26T03:08:00Z") });
    try {
      await page.goto(`${server.url}#topic=*&range=6h`);
      await expect.poll(() => page.locator("#live").isVisible()).toBe(true);
      expect(await text(page, "#live")).toBe(
        "PROVISIONAL open window 2026-11-26 03:00–03:15: 90 tweets so far, avg sentiment 0.125 · refreshed 2026-11-26 03:07 · 1 provisional alert volume_alert (warning)",
      );
      // The summary stays the finals'; the chart draws the open window apart and fits it in.
      expect(await text(page, "#sum-tweets")).toBe("1,585");
      expect(await page.getAttribute("#chart", "data-provisional")).toBe("1");
      const pad = 0.02 * (sec(at(13)) - sec(at(0)));
      expect(await span(page, "#chart")).toEqual([sec(at(0)) - pad, sec(at(13)) + pad]);
      // Every alert with its state: live mode's provisional one, the final it confirmed, the one
      // its final withdrew (struck through), and the finals it never saw.
      const states = () =>
        page.$$eval("#alerts tbody tr", (rs) =>
          rs.map((r) =>
            ["window", "state", "kind", "value", "threshold"].map(
              (f) => r.querySelector(`[data-field="${f}"]`)!.textContent,
            ),
          ),
        );
      expect(await states()).toEqual([
        ["2026-11-26 03:00–03:15", "provisional", "volume_alert", "7 min seen, ×2.14", "120.000"],
        ["2026-11-26 02:45–03:00", "confirmed", "sentiment_alert", "avg_score 0.050", "0.240"],
        ["2026-11-26 02:45–03:00", "final", "volume_alert", "n_tweets 170", "120.000"],
        ["2026-11-26 02:30–02:45", "withdrawn", "volume_alert", "15 min seen, ×1.00", "120.000"],
        ["2026-11-26 02:30–02:45", "final", "sentiment_alert", "avg_score -0.100", "0.400"],
      ]);
      expect(await page.getAttribute("#alerts tbody tr:nth-child(4)", "class")).toBe("live live-withdrawn");
      expect(
        await page.$eval(
          "#alerts tbody tr:nth-child(4) [data-field=kind]",
          (e) => getComputedStyle(e).textDecorationLine,
        ),
      ).toBe("line-through");
      // Hovering the open window says it is provisional.
      const over = (await page.locator("#chart .u-over").boundingBox())!;
      const [lo, hi] = await span(page, "#chart");
      await page.mouse.move(over.x + (over.width * (sec(at(12)) - lo)) / (hi - lo), over.y + over.height / 2);
      await expect.poll(() => page.locator("#tip").isVisible()).toBe(true);
      expect(await page.$$eval("#tip div", (ds) => ds.slice(0, 3).map((d) => d.textContent))).toEqual([
        "2026-11-26 03:00–03:15",
        "PROVISIONAL — open window, refreshed 2026-11-26 03:07",
        "avg score 0.125 · 60 scored of 90",
      ]);
      await page.screenshot({ path: LIVE_SCREENSHOT, fullPage: true });

      // Live mode's next refresh: the page shows it within the minute.
      await sql`update provisional_row set row = row || '{"n_tweets": 120}', refreshed_at = '2026-11-26T03:08:30Z'`.execute(
        db,
      );
      await page.clock.fastForward(60_000);
      await expect.poll(() => page.locator('#live [data-field="n_tweets"]').textContent()).toBe("120");

      // The window's final commit: the provisional row goes, the alert is confirmed by its final row.
      await db.transaction().execute(async (tx) => {
        await sql`delete from provisional_row where window_start = ${at(12)}`.execute(tx);
        await sql`update live_alert set state = 'confirmed', settled_at = ${at(13)} where window_start = ${at(12)}`.execute(
          tx,
        );
        await tx
          .insertInto("sentiment_window")
          .values(unscored(12, "*", 180))
          .execute();
        await tx
          .insertInto("volume_alert")
          .values({
            window_start: at(12),
            window_end: at(13),
            topic: "*",
            severity: "warning",
            n_tweets: 180,
            baseline_mean: 60,
            baseline_sd: 10,
            baseline_windows: 8,
            ratio: 3,
            threshold: 120,
            rule: "baseline_mean + max(3·baseline_sd, baseline_mean)",
          })
          .execute();
      });
      await page.clock.fastForward(60_000);
      await expect.poll(() => page.locator("#live").isHidden()).toBe(true);
      expect(await page.getAttribute("#chart", "data-provisional")).toBe("0");
      expect((await states())[0]).toEqual([
        "2026-11-26 03:00–03:15",
        "confirmed",
        "volume_alert",
        "n_tweets 180",
        "120.000",
      ]);
      expect(await text(page, "#sum-tweets")).toBe("1,765"); // 1,585 + the final 180
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
      await clearLive(db);
      await db
        .deleteFrom("volume_alert")
        .where("window_start", "=", new Date(at(12)))
        .execute();
      await db
        .deleteFrom("sentiment_window")
        .where("window_start", "=", new Date(at(12)))
        .execute();
    }
  });

  it("shows 'no data yet' on an empty database and 'database unreachable' when it is down", async () => {
    const emptyUrl = await freshDatabase("dash_empty");
    const emptyDb = openDb(emptyUrl);
    await migrateToLatest(emptyDb);
    await emptyDb.destroy();
    const empty = await startDashboard({ data: dataFromDb(openDb(emptyUrl)), port: 0 });
    const down = await startDashboard({
      data: dataFromDb(openDb(`postgres://trends@127.0.0.1:${await freePort()}/x`)),
      port: 0,
    });
    try {
      const page = await newPage();
      await page.goto(empty.url);
      await expect.poll(() => page.locator("#status").getAttribute("data-kind")).toBe("empty");
      expect(await text(page, "#status-text")).toBe(
        "No data yet — run trends demo (or start the pipeline) and this page fills in.",
      );
      expect(await page.locator("#status-text code").textContent()).toBe("trends demo");
      expect(await page.locator("#panels").isHidden()).toBe(true);

      await page.goto(down.url);
      await expect.poll(() => page.locator("#status").getAttribute("data-kind")).toBe("error");
      expect(await text(page, "#status-text")).toBe(
        "Database unreachable — showing the last data loaded; retrying every minute.",
      );
      expect(problems).toEqual([]);
      await page.context().close();
    } finally {
      await empty.close();
      await down.close();
    }
  });

  it("isolates user-supplied text: a right-to-left override cannot reorder what follows it", async () => {
    // U+202E RIGHT-TO-LEFT OVERRIDE, never closed: without isolation it reverses the text after the
    // value too (the author id beside a username, a word's count, the rest of a sentence).
    const RLO = "\u202E";
    const topic = `${RLO}spoof`;
    await db
      .insertInto("influencer_window")
      .values(inf(0, topic, "a9", `${RLO}evil`, 1, 0.5, [1, 1, 1, 1, 1]))
      .execute();
    await db
      .insertInto("word_window")
      .values(word(0, topic, `${RLO}bad`, 3, 1))
      .execute();
    try {
      const page = await newPage();
      await page.goto(`${server.url}#${new URLSearchParams({ topic, range: "6h", end: END })}`);
      await expect.poll(() => page.locator("#status").getAttribute("data-kind")).toBe("range-empty");
      await expect.poll(() => page.locator("#influencers td.author").count()).toBe(1);

      /** Whether `text` (inside the element `selector`) is laid out left to right, character by character. */
      const readsForward = (selector: string, text: string) =>
        page.evaluate(
          ([sel, t]) => {
            const root = document.querySelector(sel!)!;
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const i = n.textContent!.indexOf(t!);
              if (i < 0) continue;
              const xs = Array.from(t!, (_, k) => {
                const r = document.createRange();
                r.setStart(n, i + k);
                r.setEnd(n, i + k + 1);
                return r.getBoundingClientRect().left;
              });
              return xs.every((x, k) => k === 0 || x > xs[k - 1]!);
            }
            throw new Error(`${t} not found in ${sel}`);
          },
          [selector, text],
        );
      expect(await readsForward("#influencers td.author .id", "a9")).toBe(true);
      expect(await readsForward("#word-list li", " 3")).toBe(true);
      expect(await readsForward("#status-text", " in this range.")).toBe(true);
      // …and the id still comes after the name.
      const box = async (sel: string) => (await page.locator(sel).boundingBox())!;
      expect((await box("#influencers td.author .id")).x).toBeGreaterThan(
        (await box("#influencers td.author .name")).x,
      );
      // Every element that holds a stored value is a bidi isolate.
      const notIsolated = await page.$$eval(
        "#influencers td.author .name, #influencers td.author .id, #word-list .w, #cloud text, #topic option, #status-text bdi",
        (els) => els.filter((e) => getComputedStyle(e).unicodeBidi !== "isolate").map((e) => e.outerHTML),
      );
      expect(notIsolated).toEqual([]);
      expect(await page.locator("#status-text bdi").textContent()).toBe(topic);
      expect(problems).toEqual([]);
      await page.context().close();
    } finally {
      await db.deleteFrom("influencer_window").where("topic", "=", topic).execute();
      await db.deleteFrom("word_window").where("topic", "=", topic).execute();
    }
  });
});
