import { request } from "node:http";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { log, setLogger } from "../runtime/log/index.ts";
import { sameOriginTarget } from "./auth.ts";
import type { DashboardData } from "./data.ts";
import { type DashboardServer, startDashboard } from "./server.ts";

const TOKEN = "9f2c4e1a7b3d5f60e8a2c4b6d8f0a1c3";
const bearer = { authorization: `Bearer ${TOKEN}` };

/** Data whose answers the tests choose: a bug (TypeError) or a statement timeout (57014). */
const failing = (e: () => Error): DashboardData => ({
  health: async () => {},
  topics: async () => [],
  sentiment: async () => {
    throw e();
  },
  influencers: async () => [],
  words: async () => ({ words: [], keywords: [] }),
  alerts: async () => {
    throw Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" });
  },
  metrics: () => [],
  metric: async () => undefined,
  live: async () => ({ alerts: [], sentiment: [] }),
  close: async () => {},
});

const logged: string[] = [];
const previous = log();
let guarded: DashboardServer;
let secure: DashboardServer;
let proxied: DashboardServer;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged.push(String(chunk));
      done();
    },
  });
  setLogger(pino({ level: "info" }, sink));
  const data = failing(() => new TypeError("x is not a function"));
  guarded = await startDashboard({ data, port: 0, token: TOKEN });
  secure = await startDashboard({ data, port: 0, token: TOKEN, secureCookie: true });
  proxied = await startDashboard({ data, port: 0, token: TOKEN, trustProxy: true });
});

afterAll(async () => {
  setLogger(previous);
  await Promise.all([guarded?.close(), secure?.close(), proxied?.close()]);
});

/** A request with the exact target (fetch would normalise `/./` and `//` first). */
const raw = (s: DashboardServer, target: string) =>
  new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: s.port, path: target }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.on("error", reject);
    req.end();
  });

const get = (s: DashboardServer, path: string, headers: Record<string, string> = {}) =>
  fetch(new URL(path, s.url), { headers, redirect: "manual" });

describe("dashboard server hardening", () => {
  it("logs a failed request's path, never its query string", async () => {
    const r = await get(guarded, "/api/sentiment?topic=secret-in-the-query", bearer);
    expect(r.status).toBe(500);
    const line = logged.find((l) => l.includes("dashboard request failed"));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ path: "/api/sentiment", method: "GET" });
    expect(logged.join("")).not.toContain("secret-in-the-query");
  });

  it("refuses ?token= anywhere but the page, with a JSON error", async () => {
    for (const path of [
      `/api/topics?token=${TOKEN}`,
      `/app.js?token=${TOKEN}`,
      `/index.html?token=${TOKEN}`,
    ]) {
      const r = await get(guarded, path);
      expect([path, r.status, r.headers.get("set-cookie")]).toEqual([path, 400, null]);
      expect(((await r.json()) as { error: string }).error).toMatch(/\?token= is accepted only on the page/);
    }
  });

  it("redirects only to this origin: /.//evil.com/?token= is no way out", async () => {
    for (const target of [
      `/.//evil.com/?token=${TOKEN}`,
      `//evil.com/?token=${TOKEN}`,
      `/\\evil.com/?token=${TOKEN}`,
    ]) {
      const evil = await raw(guarded, target);
      expect([target, evil.status, evil.location]).toEqual([target, 400, undefined]);
    }
    expect(sameOriginTarget("//evil.com/", "?a=1")).toBe("/evil.com/?a=1");
    expect(sameOriginTarget("/\\evil.com")).toBe("/evil.com");
    const page = await get(guarded, `/?token=${TOKEN}&x=1`);
    expect([page.status, page.headers.get("location")]).toEqual([303, "/?x=1"]);
  });

  it("answers a statement timeout with 503 and the fix, logged as a warning, not a bug", async () => {
    logged.length = 0;
    const r = await get(guarded, "/api/alerts", bearer);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({
      error:
        "the query took longer than the database's statement timeout — choose a shorter range, or raise TRENDS_DATABASE_STATEMENT_TIMEOUT_MS",
    });
    expect(logged.map((l) => JSON.parse(l) as { level: number; msg: string })).toEqual([
      expect.objectContaining({ level: 40, msg: "dashboard: query hit the statement timeout" }),
    ]);
  });

  it("marks the cookie Secure with --secure-cookie, or behind a trusted proxy saying https", async () => {
    const cookie = async (s: DashboardServer, headers: Record<string, string> = {}) =>
      (await get(s, `/?token=${TOKEN}`, headers)).headers.get("set-cookie");
    const plain = `trends_token=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`;
    expect(await cookie(guarded, { "x-forwarded-proto": "https" })).toBe(plain);
    expect(await cookie(secure)).toBe(`${plain}; Secure`);
    expect(await cookie(proxied, { "x-forwarded-proto": "https, http" })).toBe(`${plain}; Secure`);
    expect(await cookie(proxied, { "x-forwarded-proto": "http" })).toBe(plain);
    expect(await cookie(proxied)).toBe(plain);
  });

  it("refuses empty, whitespace, short and predictable tokens with the fix", async () => {
    const data = failing(() => new Error("unused"));
    const cases: Array<[string, RegExp]> = [
      [" ".repeat(20), /empty or only whitespace/],
      ["\t\n", /empty or only whitespace/],
      ["correct horse battery staple", /spaces, control or non-ASCII/],
      ["0123456789abcde", /shorter than 16 characters/],
      ["a".repeat(40), /too predictable \(about 0 bits/],
      ["abababababababababab", /too predictable/],
      ["passwordpassword", /too predictable/],
    ];
    for (const [token, message] of cases) {
      await expect(startDashboard({ data, port: 0, token })).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringMatching(message),
        fix: expect.stringContaining("openssl rand -hex 24"),
      });
    }
  });
});
