import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Database,
  grantReadonly,
  MIGRATIONS,
  migrateToLatest,
  openDb,
  RESULT_TABLES,
} from "../../sql/index.ts";
import { trends as run } from "../support/cli.ts";
import { freshDatabase } from "../support/services.ts";
import { HOSTILE_TOPIC, seedResults, W1, W2, W3 } from "./seed.ts";

// A query answers in well under a minute; a hung one fails the test instead of the run.
const trends = (args: string[], env: Record<string, string> = {}) => run(args, env, { timeoutMs: 60_000 });

describe("trends query / trends db (child processes)", () => {
  let url: string;
  let db: Kysely<Database>;
  beforeAll(async () => {
    url = await freshDatabase("cli");
    db = openDb(url);
    await migrateToLatest(db);
    await seedResults(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it("prints query results as JSON and as aligned tables; bad input exits 2", async () => {
    const range = ["--from", W1, "--to", W3, "--database-url", url];
    const [inf, sent, words, runs, badSince, topics] = await Promise.all([
      trends(["query", "influencers", "--topic", "acme", "--limit", "2", "--json", ...range]),
      trends(["query", "sentiment", "--topic", "acme", ...range]),
      trends(["query", "words", "--topic", "acme", "--limit", "3", ...range]),
      trends(["query", "runs", "--status", "failed", "--json", ...range]),
      trends(["query", "words", "--since", "yesterday", "--database-url", url]),
      trends(["query", "topics", "--json", "--database-url", url]),
    ]);

    expect(inf.code, inf.stderr).toBe(0);
    expect(JSON.parse(inf.stdout)).toEqual([
      {
        position: 1,
        authorId: "a2",
        username: "bobby",
        score: 1.3,
        windows: 2,
        bestRank: 1,
        tweets: 4,
        retweets: 10,
        favourites: 3,
        followers: 310,
        depth: 3,
      },
      {
        position: 2,
        authorId: "a1",
        username: "alice",
        score: 0.9,
        windows: 1,
        bestRank: 1,
        tweets: 2,
        retweets: 10,
        favourites: 5,
        followers: 100,
        depth: 2,
      },
    ]);

    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toBe(
      [
        "window             tweets  scored     avg  magnitude    pos    neg  alert",
        "2026-11-26 00:00Z      10       8   0.250      0.500  0.500  0.125",
        "2026-11-26 00:15Z      20      20  -0.400      0.900  0.100  0.700  critical (drop 0.650)",
        "",
      ].join("\n"),
    );

    expect(words.code, words.stderr).toBe(0);
    expect(words.stdout).toBe(
      ["word    count", "brand       9", "launch      7", "#acme       3", ""].join("\n"),
    );

    expect(runs.code, runs.stderr).toBe(0);
    const failed = JSON.parse(runs.stdout) as Array<Record<string, unknown>>;
    expect(
      failed.map((r) => [r.windowStart, r.attempt, r.attempts, r.status, r.durationMs, r.badRecords]),
    ).toEqual([[W1, 1, 2, "failed", 90_000, 1]]);

    expect(topics.code, topics.stderr).toBe(0);
    expect((JSON.parse(topics.stdout) as Array<{ topic: string }>).map((t) => t.topic)).toEqual([
      "*",
      "acme",
      HOSTILE_TOPIC,
    ]);

    // Other bad ranges are covered in-process by cli/commands/query.test.ts.
    expect(badSince.code).toBe(2);
    expect(badSince.stdout).toBe("");
    expect(badSince.stderr).toBe(
      'trends: --since "yesterday" is not a duration\n  fix: write it like 15m, 24h or 7d\n',
    );
  });

  it("query metric NAME reads any metric by its shape; an unknown name exits 2 listing the metrics", async () => {
    const range = ["--from", W1, "--to", W3, "--database-url", url];
    const [words, sentiment, rolled, alerts, unknown] = await Promise.all([
      trends(["query", "metric", "word_window", "--topic", "acme", "--limit", "3", ...range]),
      trends([
        "query",
        "metric",
        "sentiment_window",
        "--topic",
        "acme",
        "--json",
        "--by",
        "window",
        ...range,
      ]),
      trends(["query", "metric", "sentiment_window", "--topic", "acme", ...range]),
      trends(["query", "metric", "sentiment_alert", "--all-topics", ...range]),
      trends(["query", "metric", "word_windw", "--database-url", url]),
    ]);
    // Ranked (word, by count): the same leaders as `query words`, with windows and best rank.
    expect(words.code, words.stderr).toBe(0);
    expect(words.stdout).toBe(
      [
        "word    count  windows  best_rank",
        "brand       9        2          1",
        "launch      7        2          2",
        "#acme       3        1          4",
        "",
      ].join("\n"),
    );
    // Row, --by window: the stored windows, oldest first, every measure of the generated contract.
    expect(sentiment.code, sentiment.stderr).toBe(0);
    expect(JSON.parse(sentiment.stdout).rows).toEqual([
      {
        window_start: W1,
        window_end: W2,
        topic: "acme",
        n_tweets: 10,
        n_scored: 8,
        avg_score: 0.25,
        avg_magnitude: 0.5,
        pos_share: 0.5,
        neg_share: 0.125,
      },
      {
        window_start: W2,
        window_end: W3,
        topic: "acme",
        n_tweets: 20,
        n_scored: 20,
        avg_score: -0.4,
        avg_magnitude: 0.9,
        pos_share: 0.1,
        neg_share: 0.7,
      },
    ]);
    // Alert: newest first, every topic; the W3 alert lies outside [W1, W3).
    expect(alerts.code, alerts.stderr).toBe(0);
    expect(alerts.stdout.split("\n").map((l) => l.replace(/ +/g, " "))).toEqual([
      "window topic severity avg_score baseline_mean baseline_sd baseline_windows drop n_scored threshold rule",
      "2026-11-26 00:15Z * warning 0.000 0.300 0.010 8 0.300 40 0.200 max(0.2, 2·baseline_sd)",
      "2026-11-26 00:15Z acme critical -0.400 0.250 0.050 4 0.650 20 0.400 max(0.4, 3·baseline_sd)",
      "",
    ]);
    // Row over the range (its default): one row, each measure rolled up; the shares and means
    // re-derived from their stored parts (seed.ts), not summed: pos_share (4 + 2) / (8 + 20).
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stdout.split("\n").map((l) => l.trim().replace(/ +/g, " "))).toEqual([
      "n_tweets n_scored avg_score avg_magnitude pos_share neg_share windows",
      "30 28 -0.214 0.786 0.214 0.536 2",
      "",
    ]);
    expect(unknown.code).toBe(2);
    expect(Object.keys(RESULT_TABLES)).toEqual(
      expect.arrayContaining(["sentiment_window", "influencer_window", "word_window", "sentiment_alert"]),
    );
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toBe(
      `trends: no metric "word_windw"; known metrics: ${Object.keys(RESULT_TABLES).join(", ")}\n  fix: pick one of them, e.g. \`trends query metric word_window\`\n`,
    );
  });

  it("a statement timeout is a one-line error with the fix, not a stack", async () => {
    // A lock held elsewhere makes the query wait past the statement timeout: a real 57014.
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    try {
      await locker.query("begin");
      await locker.query("lock table sentiment_window in access exclusive mode");
      const r = await trends(["query", "sentiment", "--topic", "acme", "--database-url", url], {
        TRENDS_DATABASE_STATEMENT_TIMEOUT_MS: "300",
      });
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stderr.split("\n").filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(
        /^trends: a query on postgres:\/\/\S+ was cancelled: canceling statement due to statement timeout$/,
      );
      expect(lines[1]).toBe("  fix: narrow the range, or raise TRENDS_DATABASE_STATEMENT_TIMEOUT_MS");
    } finally {
      await locker.query("rollback");
      await locker.end();
    }
  });

  it("query alerts lists every kind from the alerts view; --kind narrows, a bad kind exits 2", async () => {
    const range = ["--from", W1, "--to", W3, "--database-url", url];
    const [table, sentimentOnly, badKind] = await Promise.all([
      trends(["query", "alerts", "--topic", "acme", ...range]),
      trends(["query", "alerts", "--all-topics", "--kind", "sentiment_alert", "--json", ...range]),
      trends(["query", "alerts", "--kind", "loudness", ...range]),
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split("\n")[0]!.split(/\s+/)).toEqual([
      "window",
      "topic",
      "kind",
      "entity",
      "severity",
      "measure",
      "value",
      "baseline",
      "sd",
      "windows",
      "threshold",
      "rule",
      "details",
    ]);
    // A per-topic alert has no entity; the bound its severity crossed is the stored one.
    expect(table.stdout).toMatch(
      /acme +sentiment_alert +- +critical +avg_score +-0\.400 .* 0\.400 +max\(0\.4, 3·baseline_sd\) /,
    );
    // The kind's own columns in one cell, by their SQL names.
    expect(table.stdout).toMatch(/avg_score +-0\.400 .* drop 0\.650, n_scored 20\n/);
    expect(sentimentOnly.code, sentimentOnly.stderr).toBe(0);
    const rows = JSON.parse(sentimentOnly.stdout) as Array<{ kind: string; details: object }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(["sentiment_alert"]));
    expect(rows.map((r) => Object.keys(r.details))).toContainEqual(["drop", "n_scored"]);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain("loudness");
  });

  it("queries before migrating exit 3; db migrate then db status", async () => {
    const fresh = await freshDatabase("cli_migr");
    const early = await trends(["query", "influencers", "--database-url", fresh]);
    expect(early.code).toBe(3);
    expect(early.stderr).toContain("pending migration(s)");
    expect(early.stderr).toContain("fix: run `trends db migrate`");

    const first = await trends(["db", "migrate", "--database-url", fresh]);
    expect(first.code, first.stderr).toBe(0);
    const names = Object.keys(MIGRATIONS).sort();
    expect(first.stdout).toBe(`applied ${names.join(", ")}\n`);
    const after = await trends(["db", "status", "--database-url", fresh]);
    expect(
      after.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.replace(/applied \S+$/, "applied")),
    ).toEqual(names.map((n) => expect.stringMatching(new RegExp(`^${n} +applied$`))));
  });

  it("grant-readonly creates a login role that can read the views and write nothing", async () => {
    const role = `trends_ro_${randomBytes(3).toString("hex")}`;
    await expect(grantReadonly(db, { role: 'x"; drop' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(grantReadonly(db, { role: "pg_monitor" })).rejects.toMatchObject({ exitCode: 2 });
    const noPassword = await trends(
      ["db", "grant-readonly", "--role", role, "--login", "--database-url", url],
      {
        TRENDS_READONLY_PASSWORD: "",
      },
    );
    expect(noPassword.code, noPassword.stderr).toBe(2);
    expect(noPassword.stderr).toContain("TRENDS_READONLY_PASSWORD");

    const secret = "s3cret-'quoted'-pw";
    const r = await trends(
      ["db", "grant-readonly", "--role", role, "--login", "--json", "--database-url", url],
      {
        TRENDS_READONLY_PASSWORD: secret,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ role, created: true, login: true });
    expect(r.stdout + r.stderr).not.toContain(secret);
    const again = await trends(["db", "grant-readonly", "--role", role, "--login", "--database-url", url], {
      TRENDS_READONLY_PASSWORD: secret,
    });
    expect(again.stdout, again.stderr).toMatch(
      new RegExp(`updated login role ${role}: SELECT on .*\\bsentiment_window\\b`),
    );
    const { rows } = await sql<{ rolpassword: string }>`
      select rolpassword from pg_authid where rolname = ${role}`.execute(db);
    expect(rows[0]!.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);

    // The test server trusts loopback logins, so the role's privileges are what is tested here.
    const u = new URL(url);
    u.username = role;
    const client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
    try {
      const view = await client.query(
        "select topic, alert_severity from v_sentiment where topic = 'acme' order by window_start",
      );
      expect(view.rows).toEqual([
        { topic: "acme", alert_severity: null },
        { topic: "acme", alert_severity: "critical" },
        { topic: "acme", alert_severity: "warning" },
      ]);
      await expect(client.query("delete from word_window")).rejects.toMatchObject({ code: "25006" });
      await client.query("set default_transaction_read_only = off");
      await expect(client.query("delete from word_window")).rejects.toMatchObject({ code: "42501" });
    } finally {
      await client.end();
    }
  });

  it("neutralises terminal escapes of stored values in tables; --json stays exact", async () => {
    const url2 = await freshDatabase("cli_escapes");
    const db2 = openDb(url2);
    // ESC colour, an OSC 8 link, CR/LF that would forge a row, and a right-to-left override.
    const hostile =
      "\u001b[31mred\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007\r\n#  forged\u202egnp.exe\u009b";
    try {
      await migrateToLatest(db2);
      await db2
        .insertInto("influencer_window")
        .values({
          window_start: W1,
          window_end: "2026-11-26T00:15:00.000Z",
          topic: "acme",
          author_id: "x1",
          username: hostile,
          rank: 1,
          score: 1,
          tweets: 1,
          retweets: 0,
          favourites: 0,
          followers: 1,
          depth: 0,
        })
        .execute();
      const range = ["--topic", "acme", "--from", W1, "--to", W3, "--database-url", url2];
      const [table, json] = await Promise.all([
        trends(["query", "influencers", ...range]),
        trends(["query", "influencers", "--json", ...range]),
      ]);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(table.stdout.trimEnd().split("\n")).toHaveLength(2);
      expect(table.stdout).toContain(
        "@\\x1b[31mred\\x1b]8;;http://evil.example/\\x07click\\x1b]8;;\\x07\\x0d\\x0a#  forged\\u202egnp.exe\\x9b",
      );
      expect(json.code, json.stderr).toBe(0);
      expect((JSON.parse(json.stdout) as Array<{ username: string }>)[0]!.username).toBe(hostile);
    } finally {
      await db2.destroy();
    }
  });
});
