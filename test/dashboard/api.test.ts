import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardServer } from "../../dashboard/index.ts";
import { dataFromDb, startDashboard } from "../../dashboard/index.ts";
import { freePort } from "../../runtime/proc.ts";
import {
  grantReadonly,
  METRIC_TABLES,
  migrateToLatest,
  openDb,
  writableResultTables,
} from "../../sql/index.ts";
import { trends } from "../support/cli.ts";
import { freshDatabase } from "../support/services.ts";
import {
  at,
  clearLive,
  HOSTILE_TAG,
  HOSTILE_TOPIC,
  IMG_WORD,
  LIVE_SENTIMENT,
  LONG_WORD,
  SCRIPT_NAME,
  seedDashboard,
  seedLive,
} from "./seed.ts";

const TOKEN = "test-token-0123456789abcdef";
let dbUrl: string;
let open: DashboardServer;
let guarded: DashboardServer;

const get = async (base: DashboardServer, path: string, init: RequestInit = {}) => {
  const res = await fetch(new URL(path, base.url), { redirect: "manual", ...init });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
};
const q = (o: Record<string, string>) => `?${new URLSearchParams(o)}`;

beforeAll(async () => {
  dbUrl = await freshDatabase("dash");
  const db = openDb(dbUrl);
  await migrateToLatest(db);
  await seedDashboard(db);
  await db.destroy();
  open = await startDashboard({ data: dataFromDb(openDb(dbUrl)), port: 0 });
  guarded = await startDashboard({ data: dataFromDb(openDb(dbUrl)), port: 0, token: TOKEN });
});

afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

describe("dashboard API on seeded results", () => {
  it("lists topics with `*` first, then by name", async () => {
    const r = await get(open, "/api/topics");
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({
      topics: [
        { topic: "*", windows: 12, first_window: at(0), last_window_end: at(12) },
        { topic: HOSTILE_TOPIC, windows: 1, first_window: at(0), last_window_end: at(1) },
        { topic: "acme", windows: 2, first_window: at(0), last_window_end: at(2) },
      ],
    });
  });

  it("returns the sentiment timeline of a range, with nulls for an unscored window", async () => {
    const r = await get(open, `/api/sentiment${q({ topic: "*", from: at(0), to: at(4) })}`);
    expect(r.status).toBe(200);
    const w = (i: number, n: number, s: number, avg: number | null) => ({
      window_start: at(i),
      window_end: at(i + 1),
      n_tweets: n,
      n_scored: s,
      avg_score: avg,
      avg_magnitude: avg === null ? null : 0.6,
      pos_share: avg === null ? null : 0.5,
      neg_share: avg === null ? null : 0.1,
      alert: null,
    });
    expect(r.json()).toEqual({
      topic: "*",
      from: at(0),
      to: at(4),
      windows: [w(0, 100, 80, 0.5), w(1, 120, 100, 0.4), w(2, 90, 0, null), w(3, 110, 100, 0.45)],
    });
  });

  it("explains each alert on its window: severity, baseline mean, sd, windows, drop", async () => {
    const r = await get(open, `/api/sentiment${q({ topic: "*", from: at(10), to: at(12) })}`);
    const windows = r.json().windows as Array<Record<string, unknown>>;
    expect(windows.map((w) => w.alert)).toEqual([
      {
        severity: "critical",
        avg_score: -0.1,
        baseline_mean: 0.455,
        baseline_sd: 0.02,
        baseline_windows: 8,
        drop: 0.555,
        n_scored: 130,
        // the bound of the spec's critical level, for this row
        rule: "max(0.4, 3·baseline_sd)",
        threshold: 0.4,
      },
      {
        severity: "warning",
        avg_score: 0.05,
        baseline_mean: 0.3,
        baseline_sd: 0.12,
        baseline_windows: 8,
        drop: 0.25,
        n_scored: 150,
        rule: "max(0.2, 2·baseline_sd)",
        threshold: 0.24,
      },
    ]);
    expect(windows.map((w) => [w.n_tweets, w.avg_score])).toEqual([
      [155, -0.1],
      [170, 0.05],
    ]);
  });

  it("ranks influencers over a range by summed window scores, with the components summed", async () => {
    const r = await get(open, `/api/influencers${q({ topic: "*", from: at(0), to: at(4) })}`);
    expect(r.status).toBe(200);
    const rows = r.json().influencers as Array<Record<string, number | string>>;
    // a2: 0.5 + 0.8; a1: 0.9 + 0.2; a3: 0.3 — followers and depth are maxima, the name the latest.
    expect(rows.map((x) => ({ ...x, score: Number((x.score as number).toFixed(9)) }))).toEqual([
      {
        rank: 1,
        author_id: "a2",
        username: "bobby",
        score: 1.3,
        windows: 2,
        best_rank: 1,
        tweets: 3,
        retweets: 35,
        favourites: 12,
        followers: 5100,
        depth: 3,
      },
      {
        rank: 2,
        author_id: "a1",
        username: "alice",
        score: 1.1,
        windows: 2,
        best_rank: 1,
        tweets: 4,
        retweets: 51,
        favourites: 21,
        followers: 1001,
        depth: 2,
      },
      {
        rank: 3,
        author_id: "a3",
        username: SCRIPT_NAME,
        score: 0.3,
        windows: 1,
        best_rank: 2,
        tweets: 1,
        retweets: 0,
        favourites: 1,
        followers: 10,
        depth: 0,
      },
    ]);
    const first = await get(open, `/api/influencers${q({ topic: "*", from: at(0), to: at(1) })}`);
    expect(
      (first.json().influencers as Array<{ username: string; score: number }>).map((x) => [
        x.username,
        x.score,
      ]),
    ).toEqual([
      ["alice", 0.9],
      ["bob", 0.5],
    ]);
    const top1 = await get(open, `/api/influencers${q({ topic: "*", from: at(0), to: at(4), limit: "1" })}`);
    expect((top1.json().influencers as Array<{ author_id: string }>).map((x) => x.author_id)).toEqual(["a2"]);
  });

  it("sums word counts over the range, count desc then word", async () => {
    const r = await get(open, `/api/words${q({ topic: "*", from: at(0), to: at(4) })}`);
    expect(r.json().words).toEqual([
      { word: "acme", count: 30 },
      { word: "brand", count: 17 },
      { word: "#acme", count: 12 },
      { word: "launch", count: 11 },
      { word: "price", count: 6 },
      { word: LONG_WORD, count: 3 },
      { word: IMG_WORD, count: 2 },
    ]);
    const two = await get(open, `/api/words${q({ topic: "acme", from: at(0), to: at(4), limit: "2" })}`);
    expect(two.json().words).toEqual([
      { word: "acme", count: 4 },
      { word: "rocket", count: 2 },
    ]);
  });

  it("leaves the query's own keywords out with keywords=omit: every tracked topic's for all tweets", async () => {
    const r = await get(open, `/api/words${q({ topic: "*", from: at(0), to: at(4), keywords: "omit" })}`);
    // Without a rules file each topic's tag is its rule (the demo's); HOSTILE_TOPIC's markup gives words.
    expect(r.json().keywords).toEqual([
      "#__pwned",
      "#acme",
      "#img",
      "#onerror",
      "#src",
      "#window",
      "__pwned",
      "acme",
      "img",
      "onerror",
      "src",
      "window",
    ]);
    expect(r.json().words).toEqual([
      { word: "brand", count: 17 },
      { word: "launch", count: 11 },
      { word: "price", count: 6 },
      { word: LONG_WORD, count: 3 },
      { word: IMG_WORD, count: 2 },
    ]);
    // acme's own: the limit applies after they are left out.
    const acme = await get(
      open,
      `/api/words${q({ topic: "acme", from: at(0), to: at(4), limit: "1", keywords: "omit" })}`,
    );
    expect(acme.json()).toMatchObject({ keywords: ["#acme", "acme"], words: [{ word: "rocket", count: 2 }] });
    expect((await get(open, `/api/words${q({ keywords: "all" })}`)).json()).toEqual({
      error: "keywords must be include or omit",
    });
  });

  it("compares the tracked topics over a range (all_topics) and rolls languages up to shares", async () => {
    const range = { from: at(0), to: at(4) };
    const sov = (extra: Record<string, string>) =>
      get(open, `/api/metrics/share_of_voice_window${q({ topic: "*", ...range, ...extra })}`);
    // Share of voice has no row of all tweets: read for `*` alone it is empty…
    expect((await sov({})).json().rows).toEqual([]);
    // …and with all_topics one row per tracked topic: acme 10 + 20 of 100 + 120 tweets, of 15 + 20
    // tracked; HOSTILE_TOPIC 5 of the same windows' 220 and 35.
    const all = (await sov({ all_topics: "true" })).json();
    expect(all.allTopics).toBe(true);
    expect((all.columns as Array<{ name: string }>).map((c) => c.name)).toEqual([
      "topic",
      "n_tweets",
      "share_of_all",
      "share_of_tracked",
      "windows",
    ]);
    const rounded = (rows: unknown) =>
      (rows as Array<Record<string, unknown>>).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? +v.toFixed(9) : v])),
      );
    expect(rounded(all.rows)).toEqual([
      {
        topic: HOSTILE_TOPIC,
        n_tweets: 5,
        share_of_all: +(5 / 220).toFixed(9),
        share_of_tracked: +(5 / 35).toFixed(9),
        windows: 1,
      },
      {
        topic: "acme",
        n_tweets: 30,
        share_of_all: +(30 / 220).toFixed(9),
        share_of_tracked: +(30 / 35).toFixed(9),
        windows: 2,
      },
    ]);
    // Languages of all tweets over windows 0 and 1: each language's tweets of the 220.
    const langs = (await get(open, `/api/metrics/language_window${q({ topic: "*", ...range })}`)).json();
    expect(rounded(langs.rows)).toEqual(
      [
        ["en", 160, 2],
        ["es", 30, 1],
        ["fr", 20, 1],
        ["und", 10, 1],
      ].map(([lang, n, windows]) => ({
        lang,
        n_tweets: n,
        share: +((n as number) / 220).toFixed(9),
        windows,
      })),
    );
    // What the page needs to draw them: the dimensions and which measures are shares.
    const listed = (await get(open, "/api/metrics")).json().metrics as Array<Record<string, unknown>>;
    expect(listed.find((m) => m.name === "language_window")).toMatchObject({
      dimensions: ["lang"],
      rollup: { n_tweets: { kind: "sum" }, share: { kind: "ratio", per: "topic" } },
    });
    expect(listed.find((m) => m.name === "share_of_voice_window")).toMatchObject({ dimensions: [] });
    expect((await sov({ all_topics: "yes" })).json()).toEqual({ error: "all_topics must be true or false" });
    // The CLI reads the same with --all-topics, the topic as its first column.
    const cli = await trends([
      "query",
      "metric",
      "share_of_voice_window",
      "--all-topics",
      "--from",
      range.from,
      "--to",
      range.to,
      "--database-url",
      dbUrl,
    ]);
    expect([cli.code, cli.stderr]).toEqual([0, ""]);
    expect(cli.stdout.split("\n").map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([
      ["topic", "n_tweets"],
      [HOSTILE_TOPIC.split(" ")[0], HOSTILE_TOPIC.split(" ")[1]],
      ["acme", "30"],
      [""],
    ]);
  });

  it("serves the open window as live mode left it, marked provisional, with each live alert's state", async () => {
    const db = openDb(dbUrl);
    await seedLive(db);
    try {
      const body = (await get(open, `/api/live${q({ topic: "*", from: at(0), to: at(13) })}`)).json();
      expect(body.sentiment).toEqual([
        expect.objectContaining({
          ...LIVE_SENTIMENT,
          provisional: true,
          refreshed_at: "2026-11-26T03:07:30.000Z",
        }),
      ]);
      const alerts = body.alerts as Array<Record<string, unknown>>;
      expect(alerts.map((a) => [a.window_start, a.kind, a.state, a.provisional, a.elapsed_minutes])).toEqual([
        [at(12), "volume_alert", "provisional", true, 7],
        [at(11), "sentiment_alert", "confirmed", false, 15],
        [at(10), "volume_alert", "withdrawn", false, 15],
      ]);
      expect(alerts[0]).toMatchObject({ rate_scale: 15 / 7, settled_at: null, row: { threshold: 120 } });
      expect(alerts[2]).toMatchObject({ settled_at: at(12) });
    } finally {
      await clearLive(db);
      await db.destroy();
    }
  });

  it("lists a topic's alerts of every kind newest first", async () => {
    const all = await get(open, `/api/alerts${q({ topic: "*", from: at(0), to: at(12) })}`);
    const alerts = all.json().alerts as Array<Record<string, unknown>>;
    expect(alerts.map((a) => [a.window_start, a.kind, a.severity, a.details])).toEqual([
      [at(11), "sentiment_alert", "warning", { drop: 0.25, n_scored: 150 }],
      [at(11), "volume_alert", "warning", { ratio: 170 / 60 }],
      [at(10), "sentiment_alert", "critical", { drop: 0.555, n_scored: 130 }],
    ]);
    expect(alerts[1]).toMatchObject({
      measure: "n_tweets",
      value: 170,
      rule: "baseline_mean + max(3·baseline_sd, baseline_mean)",
      threshold: 120,
    });
    const acme = await get(open, `/api/alerts${q({ topic: "acme", from: at(0), to: at(12) })}`);
    // Each row as the alerts view has it (the generated AlertsView), with ISO times; a trend
    // alert names its entity, its value exactly as stored.
    expect(acme.json().alerts).toEqual([
      {
        kind: "sentiment_alert",
        topic: "acme",
        window_start: at(1),
        window_end: at(2),
        severity: "warning",
        dimension: null,
        entity: null,
        measure: "avg_score",
        value: -0.1,
        baseline_mean: 0.25,
        baseline_sd: 0.05,
        baseline_windows: 4,
        details: { drop: 0.35, n_scored: 20 },
        rule: "max(0.2, 2·baseline_sd)",
        threshold: 0.2,
      },
      {
        kind: "trending_hashtag_alert",
        topic: "acme",
        window_start: at(1),
        window_end: at(2),
        severity: "warning",
        dimension: "tag",
        entity: HOSTILE_TAG,
        measure: "count",
        value: 24,
        baseline_mean: 0,
        baseline_sd: null,
        baseline_windows: 4,
        details: { new: true },
        rule: "max(20, 3·baseline_mean)",
        threshold: 20,
      },
    ]);
  });

  it("defaults to topic * over the last 24 hours", async () => {
    const body = (await get(open, "/api/words")).json();
    expect(body.topic).toBe("*");
    expect(Date.parse(body.to as string) - Date.parse(body.from as string)).toBe(24 * 3600_000);
  });

  it("answers bad parameters with 400 and a message naming the problem", async () => {
    const cases: Array<[string, string]> = [
      [`/api/sentiment${q({ from: at(4), to: at(0) })}`, "from must be before to"],
      [
        `/api/sentiment${q({ from: "yesterday" })}`,
        "from must be an ISO-8601 time such as 2026-11-26T04:15:00Z",
      ],
      [`/api/influencers${q({ limit: "0" })}`, "limit must be at least 1"],
      [`/api/influencers${q({ limit: "101" })}`, "limit must be at most 100"],
      [`/api/words${q({ limit: "ten" })}`, "limit must be a whole number"],
      ["/api/words?topic=a&topic=b", "parameter topic is given more than once"],
      ["/api/alerts?form=2026-11-26", 'unknown parameter "form"; use topic, from, to, limit'],
      [`/api/words${q({ topic: "x".repeat(65) })}`, "topic is longer than 64 characters"],
      [`/api/words${q({ topic: "a\u0000b" })}`, "topic must not contain control characters"],
      [
        `/api/words${q({ from: "2025-01-01T00:00:00Z", to: "2026-11-26T00:00:00Z" })}`,
        "the range from..to is longer than 366 days",
      ],
      ["/api/topics?x=1", 'unknown parameter "x"; this endpoint takes none'],
    ];
    for (const [path, message] of cases) {
      const r = await get(open, path);
      expect([path, r.status, r.json()]).toEqual([path, 400, { error: message }]);
    }
  });

  it("serves the page and its vendor files, and nothing else", async () => {
    const page = await get(open, "/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self';");
    expect(page.text).toContain('<script src="/app.js" type="module"></script>');
    for (const path of [
      "/app.js",
      "/style.css",
      "/vendor/uPlot.iife.min.js",
      "/vendor/uPlot.min.css",
      "/vendor/d3.layout.cloud.js",
    ]) {
      expect([path, (await get(open, path)).status]).toEqual([path, 200]);
    }
    expect((await get(open, "/vendor/../../package.json")).status).toBe(404);
    expect((await get(open, "/api/nope")).json()).toEqual({ error: "no endpoint /api/nope" });
    const post = await get(open, "/api/topics", { method: "POST" });
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
  });

  it("without a token, answers only to a loopback Host (DNS rebinding)", async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(new URL("/api/health", open.url), { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await status("evil.example:8080")).toBe(403);
    expect(await status(`localhost:${open.port}`)).toBe(200);
  });
});

describe("dashboard access token", () => {
  it("rejects requests without the token (401) and accepts the bearer token (200)", async () => {
    const none = await get(guarded, "/api/topics");
    expect([none.status, none.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="trends"']);
    expect((await get(guarded, "/")).status).toBe(401);
    expect((await get(guarded, "/app.js")).status).toBe(401);
    const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });
    expect((await get(guarded, "/api/topics", bearer(`${TOKEN}x`))).status).toBe(401);
    expect((await get(guarded, "/api/topics", bearer(TOKEN.slice(0, -1)))).status).toBe(401);
    expect((await get(guarded, "/api/topics", bearer("short"))).status).toBe(401);
    const ok = await get(guarded, "/api/topics", bearer(TOKEN));
    expect([ok.status, (ok.json().topics as unknown[]).length]).toEqual([200, 3]);
  });

  it("swaps ?token= for an HttpOnly cookie and strips it from the address", async () => {
    expect((await get(guarded, `/?token=${TOKEN}-wrong`)).status).toBe(401);
    const r = await get(guarded, `/?token=${TOKEN}`);
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/");
    const cookie = r.headers.get("set-cookie")!;
    expect(cookie).toBe(`trends_token=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    const withCookie = { headers: { cookie: cookie.split(";")[0]! } };
    expect((await get(guarded, "/", withCookie)).status).toBe(200);
    expect((await get(guarded, "/api/health", withCookie)).json()).toEqual({ status: "ok" });
  });

  it("refuses to listen beyond loopback without a token, and listens on 0.0.0.0 with one", async () => {
    const data = dataFromDb(openDb(dbUrl));
    await expect(startDashboard({ data, host: "0.0.0.0", port: 0 })).rejects.toMatchObject({
      exitCode: 2,
      message: "--host 0.0.0.0 exposes the dashboard beyond this machine without an access token",
    });
    const wide = await startDashboard({ data, host: "0.0.0.0", port: 0, token: TOKEN });
    try {
      expect((await get(wide, "/api/health")).status).toBe(401);
      expect((await get(wide, "/api/health", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
        200,
      );
    } finally {
      await wide.close();
    }
  });
});

describe("dashboard on the read-only role", () => {
  it("reads everything it shows with SELECT only", async () => {
    // Roles are cluster-wide: a unique name keeps parallel test files apart.
    const role = `dash_ro_${Math.random().toString(36).slice(2, 10)}`;
    const admin = openDb(dbUrl);
    await grantReadonly(admin, { role, password: "not-checked-under-trust" });
    await admin.destroy();
    const u = new URL(dbUrl);
    u.username = role;
    const roDb = openDb(u.toString());
    const owner = openDb(dbUrl);
    try {
      // What `trends serve` checks at start to warn about a role that can write.
      expect(await writableResultTables(roDb)).toEqual({ role, tables: [] });
      expect((await writableResultTables(owner)).tables).toEqual([...METRIC_TABLES, "pipeline_run"].sort());
    } finally {
      await roDb.destroy();
      await owner.destroy();
    }
    const ro = await startDashboard({ data: dataFromDb(openDb(u.toString())), port: 0 });
    try {
      const topics = (await get(ro, "/api/topics")).json().topics as Array<{ topic: string }>;
      expect(topics.map((t) => t.topic)).toEqual(["*", HOSTILE_TOPIC, "acme"]);
      const range = q({ topic: "*", from: at(0), to: at(12) });
      for (const path of ["sentiment", "influencers", "words", "alerts", "live"]) {
        expect([path, (await get(ro, `/api/${path}${range}`)).status]).toEqual([path, 200]);
      }
    } finally {
      await ro.close();
    }
  });
});

describe("dashboard when the database cannot answer", () => {
  it("answers 503 'database unreachable' when nothing listens", async () => {
    const port = await freePort();
    const down = await startDashboard({
      data: dataFromDb(openDb(`postgres://trends@127.0.0.1:${port}/x`)),
      port: 0,
    });
    try {
      for (const path of ["/api/health", "/api/topics", `/api/sentiment${q({ topic: "acme" })}`]) {
        const r = await get(down, path);
        expect([path, r.status, r.json()]).toEqual([path, 503, { error: "database unreachable" }]);
      }
      // The page itself still loads, so it can show the error state.
      expect((await get(down, "/")).status).toBe(200);
    } finally {
      await down.close();
    }
  });

  it("answers a statement timeout with 503 and the fix (a real 57014 behind a lock)", async () => {
    const s = await startDashboard({ data: dataFromDb(openDb(dbUrl, { statementTimeoutMs: 300 })), port: 0 });
    const locker = new pg.Client({ connectionString: dbUrl });
    await locker.connect();
    try {
      await locker.query("begin");
      await locker.query("lock table word_window in access exclusive mode");
      const r = await get(s, `/api/words${q({ topic: "*", from: at(0), to: at(4) })}`);
      expect([r.status, r.json()]).toEqual([
        503,
        {
          error:
            "the query took longer than the database's statement timeout — choose a shorter range, or raise TRENDS_DATABASE_STATEMENT_TIMEOUT_MS",
        },
      ]);
    } finally {
      await locker.query("rollback");
      await locker.end();
      await s.close();
    }
  });

  it("answers 503 with the fix when the result tables were never created", async () => {
    const empty = await freshDatabase("dash_nomig");
    const s = await startDashboard({
      data: dataFromDb(openDb(empty)),
      port: 0,
      migrateHint: "run `trends db migrate`",
    });
    try {
      const r = await get(s, "/api/topics");
      expect([r.status, r.json()]).toEqual([
        503,
        { error: "the results database has no result tables yet — run `trends db migrate`" },
      ]);
    } finally {
      await s.close();
    }
  });
});

describe("trends serve", () => {
  const bin = fileURLToPath(new URL("../../bin/trends.js", import.meta.url));
  const env = {
    ...process.env,
    TRENDS_DASHBOARD_TOKEN: "",
    TRENDS_DASHBOARD_DATABASE_URL: "",
    TRENDS_LOG_LEVEL: "warn",
  };

  /** `trends serve ARGS --port 0 --database-url …` until it prints its address. */
  const serve = async (args: string[]) => {
    const child = spawn(process.execPath, [bin, "serve", ...args, "--port", "0", "--database-url", dbUrl], {
      env,
    });
    const out = { stdout: "", stderr: "" };
    child.stderr.on("data", (b: Buffer) => {
      out.stderr += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => {
        out.stdout += b.toString();
        const m = /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out.stdout);
        if (m) resolve(m[1]!);
      });
      child.on("exit", () => reject(new Error(`serve exited early: ${out.stderr}`)));
    });
    return { child, out, exited, url };
  };

  it("serves until SIGTERM, then shuts down cleanly with exit 0", async () => {
    const { child, out, exited, url } = await serve([]);
    const health = await fetch(new URL("/api/health", url));
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // The suite's database user owns the tables: serve says the dashboard should not use it.
    expect(out.stderr).toMatch(
      /dashboard: database role \w+ can write to [a-z_, ]*influencer_window, [a-z_, ]*pipeline_run,/,
    );
  });

  it("takes the query's keywords from the topics' rules file (--rules-file)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trends-rules-"));
    const file = join(dir, "trends.rules.json");
    writeFileSync(
      file,
      JSON.stringify({ rules: [{ id: "r1", source: "bluesky", tag: "acme", value: "acme OR #rocket" }] }),
    );
    const { child, exited, url } = await serve(["--rules-file", file]);
    try {
      const r = await fetch(
        new URL(`/api/words${q({ topic: "acme", from: at(0), to: at(4), keywords: "omit" })}`, url),
      );
      // The rule's #rocket leaves out the stored word rocket too: a tweet may write either.
      expect(await r.json()).toMatchObject({ keywords: ["#acme", "#rocket", "acme", "rocket"], words: [] });
    } finally {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true });
    }
  });

  it("warns about --token in ps, and refuses a predictable token with exit 2", async () => {
    const child = spawn(
      process.execPath,
      [bin, "serve", "--token", "a".repeat(24), "--port", "0", "--database-url", dbUrl],
      { env },
    );
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain("--token is visible to every user of this machine");
    expect(stderr).toContain(
      "trends: the dashboard token is too predictable (about 0 bits; at least 48 needed)\n" +
        "  fix: generate one, e.g. `openssl rand -hex 24 > token; chmod 600 token`, and pass --token-file token\n",
    );
  });

  it("exits 2 with the fix when --host 0.0.0.0 has no token", async () => {
    const child = spawn(
      process.execPath,
      [bin, "serve", "--host", "0.0.0.0", "--port", "0", "--database-url", dbUrl],
      {
        env,
      },
    );
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toBe(
      "trends: --host 0.0.0.0 exposes the dashboard beyond this machine without an access token\n" +
        "  fix: pass --token T (or set TRENDS_DASHBOARD_TOKEN), or keep the default --host 127.0.0.1\n",
    );
  });
});
