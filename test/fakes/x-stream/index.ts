import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * One step of a scripted stream connection, in X's wire format: each message is one JSON text
 * followed by `\r\n`; a bare `\r\n` is a heartbeat.
 */
export type Step =
  | { send: string }
  | { heartbeat: true }
  /** Raw bytes, e.g. an invalid JSON line (`"{oops\r\n"`). */
  | { raw: string }
  /** Writes the first half of a message, then drops the connection (a disconnect mid-message). */
  | { cut: string }
  | { wait: number }
  /** Stops writing but keeps the connection open: the client must notice and reconnect. */
  | { stall: true };

/** A scripted connection: an error status (429, 503, 401), or a 200 and its steps. */
export type Connection = { status: number } | { steps: Step[] };

export interface FakeRule {
  id: string;
  value: string;
  tag?: string;
}

export interface FakeXServer {
  /** Pass as the API URL: requests to `https://api.x.com/2/…` go to `<url>/2/…`. */
  readonly url: string;
  /** Connections to the stream, in order; once used up, connections idle with heartbeats. */
  script(connections: readonly Connection[]): void;
  readonly rules: FakeRule[];
  /** Every request: method, path, query and whether it carried the bearer token. */
  readonly requests: {
    method: string;
    path: string;
    query: URLSearchParams;
    authorized: boolean;
    at: number;
  }[];
  close(): Promise<void>;
}

/**
 * A local server speaking the X API v2 filtered-stream wire format and its rules endpoints, so the
 * real twitter-api-v2 client (through a URL-rewriting plugin) can be tested against disconnects,
 * stalls, 429s and heartbeats.
 */
export async function startFakeXServer(o: { token: string; heartbeatMs?: number }): Promise<FakeXServer> {
  const connections: Connection[] = [];
  const rules: FakeRule[] = [];
  const requests: FakeXServer["requests"] = [];
  const open = new Set<ServerResponse>();
  let nextRuleId = 1;
  const heartbeatMs = o.heartbeatMs ?? 100;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const authorized = req.headers.authorization === `Bearer ${o.token}`;
    requests.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      authorized,
      at: Date.now(),
    });
    if (!authorized) {
      json(res, 401, { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" });
      return;
    }
    if (url.pathname === "/2/tweets/search/stream/rules") {
      rulesEndpoint(req, res, url).catch((e: unknown) => json(res, 500, { title: String(e) }));
      return;
    }
    if (url.pathname === "/2/tweets/search/stream") {
      stream(res).catch(() => res.destroy());
      return;
    }
    json(res, 404, { title: "Not Found Error", detail: url.pathname });
  });

  async function stream(res: ServerResponse): Promise<void> {
    const c = connections.shift();
    if (c && "status" in c) {
      json(res, c.status, {
        title: c.status === 429 ? "Too Many Requests" : "Service Unavailable",
        status: c.status,
      });
      return;
    }
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.flushHeaders();
    open.add(res);
    res.on("close", () => open.delete(res));
    for (const step of c?.steps ?? []) {
      if (res.destroyed) return;
      if ("send" in step) res.write(`${step.send}\r\n`);
      else if ("heartbeat" in step) res.write("\r\n");
      else if ("raw" in step) res.write(step.raw);
      else if ("wait" in step) await sleep(step.wait);
      else if ("cut" in step) {
        res.write(step.cut.slice(0, Math.floor(step.cut.length / 2)));
        await sleep(20);
        res.socket?.destroy();
        return;
      } else if ("stall" in step) return; // stays open, silent, until the client gives up
    }
    // Script done: idle with heartbeats, like X between tweets.
    while (!res.destroyed) {
      res.write("\r\n");
      await sleep(heartbeatMs);
    }
  }

  async function rulesEndpoint(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const sent = new Date().toISOString();
    if (req.method === "GET") {
      json(
        res,
        200,
        rules.length > 0
          ? { data: rules, meta: { sent, result_count: rules.length } }
          : { meta: { sent, result_count: 0 } },
      );
      return;
    }
    const body = JSON.parse(await readBody(req)) as {
      add?: { value: string; tag?: string }[];
      delete?: { ids: string[] };
    };
    const dryRun = url.searchParams.get("dry_run") === "true";
    if (body.add) {
      const created: FakeRule[] = [];
      const errors: { title: string; value: string; detail: string }[] = [];
      for (const r of body.add) {
        if (r.value.trim() === "" || r.value.length > 1024 || r.value.includes("((")) {
          errors.push({ title: "UnprocessableEntity", value: r.value, detail: "invalid rule syntax" });
        } else if (rules.some((x) => x.value === r.value)) {
          errors.push({ title: "DuplicateRule", value: r.value, detail: "this rule already exists" });
        } else {
          created.push({
            id: String(nextRuleId + created.length),
            value: r.value,
            ...(r.tag ? { tag: r.tag } : {}),
          });
        }
      }
      if (!dryRun) {
        rules.push(...created);
        nextRuleId += created.length;
      }
      const summary = {
        created: created.length,
        not_created: errors.length,
        valid: created.length,
        invalid: errors.length,
      };
      json(res, 201, {
        ...(created.length > 0 ? { data: created } : {}),
        meta: { sent, summary },
        ...(errors.length ? { errors } : {}),
      });
      return;
    }
    const ids = body.delete?.ids ?? [];
    const found = ids.filter((id) => rules.some((r) => r.id === id));
    if (!dryRun)
      for (const id of found)
        rules.splice(
          rules.findIndex((r) => r.id === id),
          1,
        );
    const errors = ids
      .filter((id) => !found.includes(id))
      .map((id) => ({ title: "Not Found", value: id, detail: "rule does not exist" }));
    json(res, 200, {
      meta: { sent, summary: { deleted: found.length, not_deleted: ids.length - found.length } },
      ...(errors.length ? { errors } : {}),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script: (cs) => {
      connections.push(...cs);
    },
    rules,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const r of open) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
