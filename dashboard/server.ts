import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ExitCode, isTrendsError, messageOf, usageError } from "../runtime/errors/index.ts";
import { log } from "../runtime/log/index.ts";
import { terminalSafe } from "../runtime/terminal/index.ts";
import { DEFAULT_LIMIT, READ_BY, type ReadBy } from "../sql/index.ts";
import {
  hostHeaderIsLoopback,
  isLoopbackAddress,
  presentedToken,
  requestIsSecure,
  sameOriginTarget,
  tokenCookie,
  tokenMatches,
  tokenWeakness,
} from "./auth.ts";
import type { DashboardData, KeywordsMode } from "./data.ts";
import { unavailableReason } from "./errors.ts";
import { BadParam, parseNoParams, parseRangeQuery, type RangeQuery, takeChoice } from "./params.ts";
import { loadStaticFiles, type StaticFile } from "./static.ts";

export interface DashboardOptions {
  data: DashboardData;
  /** Default 127.0.0.1. Anything that is not loopback needs `token`. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Access token checked on every request; required off loopback; see `tokenWeakness` for the rule. */
  token?: string;
  /** Mark the token cookie `Secure` (the browser reaches the dashboard over HTTPS, e.g. through a TLS proxy). */
  secureCookie?: boolean;
  /** Trust `X-Forwarded-Proto` from the proxy in front: `https` there marks the cookie `Secure`. */
  trustProxy?: boolean;
  /** A shown-once hint for the migrate command in the "not migrated" 503. */
  migrateHint?: string;
}

export interface DashboardServer {
  /** http://host:port/ as a browser on this machine reaches it. */
  url: string;
  port: number;
  /** Stops accepting, ends open connections, closes the data source. */
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type Endpoint = (params: URLSearchParams, data: DashboardData) => Promise<Json>;

const KEYWORDS_MODES: readonly KeywordsMode[] = ["include", "omit"];

const range = (q: RangeQuery) => ({ topic: q.topic, from: q.from.toISOString(), to: q.to.toISOString() });

/** The read-only JSON API. Default limits: 10,000 windows, top 20 influencers, top 100 words, 100 alerts. */
const API: Record<string, Endpoint> = {
  "/api/health": async (p, d) => {
    parseNoParams(p);
    await d.health();
    return { status: "ok" };
  },
  "/api/topics": async (p, d) => {
    parseNoParams(p);
    return { topics: await d.topics() };
  },
  "/api/sentiment": async (p, d) => {
    // limit keeps the latest N windows of a long range (a year of 15-minute windows is 35k points).
    const q = parseRangeQuery(p, { defaultLimit: 10_000, maxLimit: 10_000 });
    return { ...range(q), windows: await d.sentiment(q) };
  },
  "/api/influencers": async (p, d) => {
    const q = parseRangeQuery(p, { defaultLimit: 20, maxLimit: 100 });
    return { ...range(q), influencers: await d.influencers(q) };
  },
  "/api/words": async (p, d) => {
    // keywords=omit leaves the query's own keywords out (the page's default); the stored counts otherwise.
    const [keywords, rest] = takeChoice(p, "keywords", KEYWORDS_MODES);
    const q = parseRangeQuery(rest, { defaultLimit: 100, maxLimit: 200 });
    return { ...range(q), ...(await d.words({ ...q, keywords: keywords ?? "include" })) };
  },
  "/api/alerts": async (p, d) => {
    const q = parseRangeQuery(p, { defaultLimit: 100, maxLimit: 1000 });
    return { ...range(q), alerts: await d.alerts(q) };
  },
  "/api/live": async (p, d) => {
    const q = parseRangeQuery(p, { defaultLimit: 100, maxLimit: 1000 });
    return { ...range(q), ...(await d.live(q)) };
  },
  "/api/metrics": async (p, d) => {
    parseNoParams(p);
    return { metrics: d.metrics() };
  },
};

/** A metric name as the catalog spells them; anything else is not echoed back. */
const METRIC_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `/api/metrics/NAME`: any metric of the specs, read the way its shape says. */
function metricEndpoint(name: string): Endpoint {
  return async (p, d) => {
    const m = d.metrics().find((x) => x.name === name);
    if (m === undefined) {
      const shown = METRIC_NAME.test(name) ? `"${name}"` : "of that name";
      throw new NotFound(
        `no metric ${shown}; known metrics: ${d
          .metrics()
          .map((x) => x.name)
          .join(", ")}`,
      );
    }
    // Besides the range parameters: `by` (range or window), how the measures are read, and
    // `all_topics`, every topic instead of `topic` (one row per topic over a range).
    const [by, p1] = takeChoice<ReadBy>(p, "by", READ_BY);
    const [allTopics, rest] = takeChoice(p1, "all_topics", ["true", "false"]);
    const q = parseRangeQuery(rest, { defaultLimit: DEFAULT_LIMIT[m.shape.kind], maxLimit: 10_000 });
    if (by === "range" && m.shape.kind === "alert")
      throw new BadParam(`${name} is an alert: its rows are read per window`);
    const r = await d.metric(name, { ...q, ...(by ? { by } : {}), allTopics: allTopics === "true" });
    if (r === undefined) throw new NotFound(`no metric "${name}"`);
    return {
      metric: r.metric,
      description: r.description,
      shape: r.shape,
      by: r.by,
      ...range(q),
      allTopics: allTopics === "true",
      notAdditive: r.notAdditive,
      columns: r.columns,
      rows: r.rows,
    };
  };
}

/** An API path that names nothing: 404 with the message. */
class NotFound extends Error {
  override readonly name = "NotFound";
}

function endpointOf(path: string): Endpoint | undefined {
  if (Object.hasOwn(API, path)) return API[path];
  if (!path.startsWith("/api/metrics/")) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(path.slice("/api/metrics/".length));
  } catch {
    return async () => {
      throw new NotFound("no metric of that name");
    };
  }
  return metricEndpoint(name);
}

/**
 * Headers on every response. The CSP allows only this origin's scripts and no inline script, so
 * even a data value that slipped into markup could not run; `connect-src 'self'` keeps fetches here.
 */
const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/**
 * Starts `trends serve`'s HTTP server: the page, its vendor files and the JSON API.
 *
 * @example
 * const server = await startDashboard({ data: dataFromDb(openDb(url)), port: 8080 });
 * // … later
 * await server.close();
 */
export async function startDashboard(o: DashboardOptions): Promise<DashboardServer> {
  const host = o.host ?? "127.0.0.1";
  const token = o.token === "" ? undefined : o.token;
  if (!isLoopbackAddress(host) && token === undefined) {
    throw usageError(
      `--host ${host} exposes the dashboard beyond this machine without an access token`,
      "pass --token T (or set TRENDS_DASHBOARD_TOKEN), or keep the default --host 127.0.0.1",
    );
  }
  const weakness = token === undefined ? undefined : tokenWeakness(token);
  if (weakness !== undefined) {
    throw usageError(
      weakness,
      "generate one, e.g. `openssl rand -hex 24 > token; chmod 600 token`, and pass --token-file token",
    );
  }
  const files = loadStaticFiles();
  const server = createServer((req, res) => {
    handle(req, res, { ...o, token, files }).catch((e: unknown) => {
      // The path only: a query string can carry a token.
      log().error({ err: e, method: req.method, path: pathOnly(req.url) }, "dashboard request failed");
      if (!res.headersSent) send(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "EADDRINUSE"
          ? usageError(`port ${o.port ?? 8080} on ${host} is already in use`, "pick another with --port")
          : // listen() looks a host name up first: a name that does not resolve is the user's --host.
            e.code === "ENOTFOUND" || e.code === "EAI_AGAIN"
            ? usageError(
                `--host ${terminalSafe(host)} does not resolve to an address (${e.code})`,
                "pass one of this machine's addresses (`ip -brief address`), 127.0.0.1 or 0.0.0.0",
              )
            : e,
      ),
    );
    server.listen(o.port ?? 8080, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}/`,
    port,
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive browser connections would hold close() open until they time out.
          server.closeAllConnections();
        });
        await o.data.close();
      })();
      return closing;
    },
  };
}

interface Context extends DashboardOptions {
  files: Map<string, StaticFile>;
}

async function handle(req: IncomingMessage, res: ServerResponse, c: Context): Promise<void> {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return send(res, 405, { error: `method ${req.method} not allowed; the dashboard is read-only` });
  }
  let url: URL;
  try {
    // Origin-form only ("/path?query"), appended rather than resolved: resolving `//evil.com/`
    // against a base would read it as another host.
    if (!req.url?.startsWith("/")) throw new Error("not origin-form");
    url = new URL(`http://dashboard.invalid${req.url}`);
  } catch {
    return send(res, 400, { error: "malformed request URL" });
  }
  if (c.token === undefined) {
    if (!hostHeaderIsLoopback(req.headers.host)) {
      return send(res, 403, {
        error: "this dashboard answers only to localhost; start it with --token to share it",
      });
    }
  }
  // A token in an address ends up in logs, history and Referer headers: it is taken only where the
  // page is opened, and swapped at once for a cookie.
  if (url.searchParams.has("token") && url.pathname !== "/") {
    return send(res, 400, {
      error:
        "?token= is accepted only on the page (/), where it is swapped for a cookie; send the API `Authorization: Bearer …` instead",
    });
  }
  if (c.token !== undefined) {
    const fromQuery = url.searchParams.get("token");
    if (fromQuery !== null) {
      if (!tokenMatches(fromQuery, c.token)) return unauthorized(res);
      res.setHeader("set-cookie", tokenCookie(c.token, requestIsSecure(req, c)));
      url.searchParams.delete("token");
      res.writeHead(303, { location: sameOriginTarget(url.pathname, url.search) }).end();
      return;
    } else if (!tokenMatches(presentedToken(req), c.token)) {
      return unauthorized(res);
    }
  }

  const endpoint = endpointOf(url.pathname);
  if (endpoint) {
    res.setHeader("cache-control", "no-store");
    try {
      return send(res, 200, await endpoint(url.searchParams, c.data), req.method === "HEAD");
    } catch (e) {
      if (e instanceof BadParam) return send(res, 400, { error: e.message });
      if (e instanceof NotFound) return send(res, 404, { error: e.message });
      // The typed queries re-check their inputs; what they reject is the caller's to fix too.
      if (isTrendsError(e) && e.exitCode === ExitCode.Usage) return send(res, 400, { error: e.message });
      const down = unavailableReason(e);
      if (down?.reason === "not migrated") {
        return send(res, 503, {
          error: `the results database has no result tables yet — ${c.migrateHint ?? "run the migrations"}`,
        });
      }
      if (down?.reason === "timeout") {
        log().warn({ path: url.pathname, cause: messageOf(e) }, "dashboard: query hit the statement timeout");
        return send(res, 503, {
          error:
            "the query took longer than the database's statement timeout — choose a shorter range, or raise TRENDS_DATABASE_STATEMENT_TIMEOUT_MS",
        });
      }
      if (down) {
        log().warn({ path: url.pathname, cause: messageOf(e) }, "dashboard: database unreachable");
        return send(res, 503, { error: "database unreachable" });
      }
      throw e;
    }
  }
  if (url.pathname.startsWith("/api/")) return send(res, 404, { error: `no endpoint ${url.pathname}` });
  const file = c.files.get(url.pathname === "/index.html" ? "/" : url.pathname);
  if (!file) return send(res, 404, { error: `not found: ${url.pathname}` });
  res.writeHead(200, {
    "content-type": file.type,
    "content-length": file.body.length,
    "cache-control": url.pathname.startsWith("/vendor/") ? "public, max-age=86400" : "no-cache",
  });
  res.end(req.method === "HEAD" ? undefined : file.body);
}

/** The path of a request target without its query (which may carry a token), for logs. */
const pathOnly = (target: string | undefined): string => (target ?? "/").split("?")[0]!.slice(0, 300);

function unauthorized(res: ServerResponse): void {
  res.setHeader("www-authenticate", 'Bearer realm="trends"');
  send(res, 401, {
    error: "access token required: open the page with ?token=… once, or send Authorization: Bearer …",
  });
}

function send(res: ServerResponse, status: number, body: Json, headOnly = false): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(headOnly ? undefined : text);
}
