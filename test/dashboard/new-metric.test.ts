import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Kysely, sql } from "kysely";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DashboardServer, dataFromDb, startDashboard } from "../../dashboard/index.ts";
import {
  catalogOf,
  compileJob,
  define,
  diffSchemas,
  GENERATED_MIGRATIONS_DIR,
  generate,
  type JobSpec,
  schemaOf,
} from "../../sparkgen/index.ts";
import { e } from "../../sparkgen/specs/events.ts";
import { ENGLISH_STOP_WORDS, windowJob } from "../../sparkgen/specs/index.ts";
import {
  type Database,
  type MetricCatalog,
  MIGRATIONS,
  migrateToLatest,
  openDb,
  readMetric,
} from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";
import { launchChromium } from "./chromium.ts";
import { at, HOSTILE_TOPIC, IMG_WORD, unscored } from "./seed.ts";

/**
 * A new spec reaches every reader with nothing else edited: a job with two metrics more than the
 * shipped one (a row aggregate and a ranked words metric, as an analyst would add in one spec file
 * each) gets its migration, Kysely types, constants, `readMetric`, `/api/metrics/NAME` and a
 * dashboard panel chosen from its shape — all from `generate()` and the catalog, no Spark needed.
 * Their names start `trial_` so that no real spec takes them (an analyst adding a `reply_window`
 * must not break this test).
 */
const replyWindow = define.aggregate(
  new URL("../../sparkgen/specs/trial-reply-window.ts", import.meta.url).href,
  {
    name: "trial_reply_window",
    description: "replies and their share per window",
    measures: {
      n_replies: e.count(e.equals("ref_type", "replied_to")),
      reply_share: e.share(e.equals("ref_type", "replied_to")),
    },
  },
);
const longWords = define.metric(
  new URL("../../sparkgen/specs/trial-long-word-window.ts", import.meta.url).href,
  {
    name: "trial_long_word_window",
    description: "the long words of the conversation",
    where: e.differsFrom("ref_type", "retweeted"),
    dimensions: {
      word: e.without(
        e.tokens(e.lower("text"), {
          drop: ["https?://\\S+"],
          tokenChars: "\\p{L}\\p{Nd}_#'",
          trimChars: "'",
          minLength: 8,
          notCounted: "#",
          dropNumbers: true,
        }),
        ENGLISH_STOP_WORDS,
      ),
    },
    measures: { count: e.count() },
    rank: { top: 20, by: "count" },
  },
);
const SHIPPED = windowJob.metrics.map((m) => m.name);
const job: JobSpec = { ...windowJob, metrics: [...windowJob.metrics, replyWindow, longWords] };

let db: Kysely<Database>;
let server: DashboardServer;
let browser: Browser;
let catalog: MetricCatalog;

beforeAll(async () => {
  const url = await freshDatabase("dash_new_metric");
  db = openDb(url);
  // The generated migration, applied with the shipped ones (its statements are the module's).
  const files = generate(job);
  // The new step is the last generated migration (an older one may have the same suffix).
  const migration = files
    .filter((f) => f.path.startsWith(`${GENERATED_MIGRATIONS_DIR}/`) && f.path.endsWith("_spec_2_tables.ts"))
    .at(-1)!;
  const up = diffSchemas(schemaOf(compileJob(windowJob)), schemaOf(compileJob(job)));
  for (const s of up) expect(migration.text).toContain(`\`${s}\``);
  const name = migration.path.slice(GENERATED_MIGRATIONS_DIR.length + 1, -3);
  await migrateToLatest(db, {
    ...MIGRATIONS,
    [name]: {
      up: async (k: Kysely<unknown>) => {
        for (const s of up) await sql.raw(s).execute(k);
      },
    },
  });
  // The page lists topics from sentiment_window: three windows of `*`.
  await db
    .insertInto("sentiment_window")
    .values([0, 1, 2].map((i) => unscored(i, "*", 10)))
    .execute();
  const k = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  await k
    .insertInto("trial_reply_window")
    .values(
      [4, 9, 0].map((n, i) => ({
        window_start: at(i),
        window_end: at(i + 1),
        topic: "*",
        n_replies: n,
        reply_share: n / 10,
        // What the share rolls up from: n replies of 10 records.
        reply_share_num: n,
        reply_share_den: 10,
      })),
    )
    .execute();
  const w = (i: number, topic: string, word: string, count: number, rank: number) => ({
    window_start: at(i),
    window_end: at(i + 1),
    topic,
    word,
    count,
    rank,
  });
  await k
    .insertInto("trial_long_word_window")
    .values([
      w(0, "*", "launching", 5, 1),
      w(0, "*", IMG_WORD, 2, 2),
      w(1, "*", "launching", 2, 2),
      w(1, "*", "spaceship", 6, 1),
      w(1, HOSTILE_TOPIC, "elsewhere", 50, 1),
    ])
    .execute();
  // No kind of this branch yields a series yet (the general metric kind's time bucket will): a view
  // over trial_reply_window, listed with a series shape, stands in for one.
  await sql`create view trial_reply_series as select * from trial_reply_window`.execute(db);
  const generated = catalogOf(compileJob(job)) as MetricCatalog;
  catalog = {
    ...generated,
    trial_reply_series: {
      ...generated.trial_reply_window!,
      shape: { kind: "series", time: "window_start", value: "n_replies" },
    },
  };
  server = await startDashboard({ data: dataFromDb(openDb(url), catalog), port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db?.destroy();
});

const range = { from: at(0), to: at(4) };

describe("a brand-new spec, with nothing else edited", () => {
  it("gets Kysely types and constants from generate()", () => {
    const files = generate(job);
    const types = files.find((f) => f.path === "sql/generated/tables.ts")!.text;
    expect(types).toContain("export interface TrialLongWordWindowTable {");
    expect(types).toContain("  trial_long_word_window: TrialLongWordWindowTable;");
    const constants = JSON.parse(files.find((f) => f.path === "sparkgen/generated/constants.json")!.text);
    expect(constants.metrics.trial_long_word_window).toMatchObject({
      shape: { kind: "ranked", label: "word", by: "count" },
      dimensions: { word: { tokens: { minLength: 8 } } },
      rank: { top: 20, by: "count" },
    });
  });

  it("is read by readMetric the way its shape says", async () => {
    const q = { topic: "*", from: new Date(range.from), to: new Date(range.to) };
    const ranked = await readMetric(db, "trial_long_word_window", q, catalog);
    // By hand: spaceship 6 (1 window, rank 1), launching 5+2 = 7 (2 windows, best 1), IMG_WORD 2.
    expect(ranked.rows).toEqual([
      { word: "launching", count: 7, windows: 2, best_rank: 1 },
      { word: "spaceship", count: 6, windows: 1, best_rank: 1 },
      { word: IMG_WORD, count: 2, windows: 1, best_rank: 2 },
    ]);
    const rows = await readMetric(db, "trial_reply_window", { ...q, limit: 2, by: "window" }, catalog);
    expect(
      rows.rows.map((r) => [(r.window_start as Date).toISOString(), r.n_replies, r.reply_share]),
    ).toEqual([
      [at(1), 9, 0.9],
      [at(2), 0, 0],
    ]);
  });

  it("is served by GET /api/metrics/NAME, listed by /api/metrics; an unknown name is 404 listing them", async () => {
    const get = async (path: string) => {
      const res = await fetch(new URL(path, server.url));
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const list = await get("/api/metrics");
    const listed = (list.body.metrics as Array<{ name: string; shape: unknown }>).map((m) => [
      m.name,
      m.shape,
    ]);
    expect(listed).toEqual(
      expect.arrayContaining([
        ["sentiment_window", { kind: "row" }],
        ["influencer_window", { kind: "ranked", label: "username", by: "score" }],
        ["word_window", { kind: "ranked", label: "word", by: "count" }],
        ["sentiment_alert", { kind: "alert" }],
      ]),
    );
    // Every shipped metric, then the test's own.
    expect(listed.map(([name]) => name)).toEqual([
      ...SHIPPED,
      "trial_reply_window",
      "trial_long_word_window",
      "trial_reply_series",
    ]);
    expect(listed.slice(-3)).toEqual([
      ["trial_reply_window", { kind: "row" }],
      ["trial_long_word_window", { kind: "ranked", label: "word", by: "count" }],
      ["trial_reply_series", { kind: "series", time: "window_start", value: "n_replies" }],
    ]);
    const r = await get(
      `/api/metrics/trial_long_word_window?${new URLSearchParams({ ...range, limit: "2" })}`,
    );
    expect(r).toEqual({
      status: 200,
      body: {
        metric: "trial_long_word_window",
        description: "the long words of the conversation",
        shape: { kind: "ranked", label: "word", by: "count" },
        by: "range",
        topic: "*",
        ...range,
        allTopics: false,
        notAdditive: {},
        columns: [
          { name: "word", type: "text" },
          { name: "count", type: "bigint" },
          { name: "windows", type: "integer" },
          { name: "best_rank", type: "integer" },
        ],
        rows: [
          { word: "launching", count: 7, windows: 2, best_rank: 1 },
          { word: "spaceship", count: 6, windows: 1, best_rank: 1 },
        ],
      },
    });
    const rows = await get(
      `/api/metrics/trial_reply_window?${new URLSearchParams({ ...range, topic: "*", by: "window" })}`,
    );
    expect(
      (rows.body.rows as Array<Record<string, unknown>>).map((x) => [x.window_start, x.n_replies]),
    ).toEqual([
      [at(0), 4],
      [at(1), 9],
      [at(2), 0],
    ]);
    expect(await get("/api/metrics/nope")).toEqual({
      status: 404,
      body: {
        error: `no metric "nope"; known metrics: ${[...SHIPPED, "trial_reply_window", "trial_long_word_window", "trial_reply_series"].join(", ")}`,
      },
    });
    expect((await get("/api/metrics/%3Cscript%3E")).body.error).toMatch(/^no metric of that name; known/);
    expect(await get("/api/metrics/trial_reply_window?limit=0")).toEqual({
      status: 400,
      body: { error: "limit must be at least 1" },
    });
  });

  it("gets a dashboard panel chosen from its shape (Chromium); stored words stay text", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1400 }, timezoneId: "UTC" });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(err.message));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    await page.goto(`${server.url}#topic=*&range=6h&end=${at(12)}`);
    await page.waitForSelector('section[data-metric="trial_long_word_window"] li');
    const ranked = await page.$$eval('section[data-metric="trial_long_word_window"] li', (lis) =>
      lis.map((li) => [
        li.querySelector('[data-field="word"]')?.textContent,
        li.querySelector('[data-field="count"]')?.textContent,
        (li.querySelector(".bar") as HTMLElement).style.width,
      ]),
    );
    expect(ranked).toEqual([
      ["launching", "7", "100%"],
      ["spaceship", "6", "85.7%"],
      ["<img src=x onerror=window.__pwned=2>", "2", "28.6%"],
    ]);
    expect(await page.getAttribute('section[data-metric="trial_long_word_window"]', "data-shape")).toBe(
      "ranked",
    );
    // Row shape: the range rolled up: 4 + 9 + 0 replies, their share (4 + 9 + 0) / (3 × 10).
    const table = await page.$$eval('section[data-metric="trial_reply_window"] tbody tr', (trs) =>
      trs.map((tr) =>
        Array.from(tr.querySelectorAll("td")).map((td) => `${td.dataset.field}=${td.textContent}`),
      ),
    );
    // A per-topic metric under all tweets compares the topics, one row each: only `*` has rows here.
    expect(table).toEqual([["topic=all tweets", "n_replies=13", "reply_share=0.433", "windows=3"]]);
    // The shipped metrics keep their own panels: no generic duplicate of them.
    const generic = await page.$$eval("section.metric", (s) => s.map((x) => x.getAttribute("data-metric")));
    expect(generic).not.toContain("sentiment_window");
    expect(generic).not.toContain("influencer_window");
    expect(generic.slice(-3)).toEqual(["trial_reply_window", "trial_long_word_window", "trial_reply_series"]);
    // Series shape: a small uPlot line with one point per stored window.
    await page.waitForSelector('section[data-metric="trial_reply_series"] .series canvas');
    expect(await page.getAttribute('section[data-metric="trial_reply_series"] .series', "data-points")).toBe(
      "3",
    );
    // Every measure of a series can be charted: the picker redraws it with the one chosen.
    const picker = 'section[data-metric="trial_reply_series"] select.measure-picker';
    expect(await page.$$eval(`${picker} option`, (os) => os.map((o) => o.textContent))).toEqual([
      "n_replies",
      "reply_share",
    ]);
    expect(await page.getAttribute('section[data-metric="trial_reply_series"] .series', "data-measure")).toBe(
      "n_replies",
    );
    await page.selectOption(picker, "reply_share");
    expect(await page.getAttribute('section[data-metric="trial_reply_series"] .series', "data-measure")).toBe(
      "reply_share",
    );
    expect(await page.$$('section[data-metric="trial_reply_series"] .series canvas')).toHaveLength(1);
    // The weights in the influencer heading come from the generated constants.
    expect(await page.textContent("#influencer-weights")).toBe(
      "score = Σ window scores (0.35 retweets · 0.25 favourites · 0.25 followers · 0.15 depth)",
    );
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
    mkdirSync(fileURLToPath(new URL("../artifacts/", import.meta.url)), { recursive: true });
    await page.screenshot({
      path: fileURLToPath(new URL("../artifacts/dashboard-new-metric.png", import.meta.url)),
      fullPage: true,
    });
    await context.close();
  });
});
