import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeAppView {
  readonly url: string;
  /** Every getProfiles call: the actors asked for and the status answered. */
  readonly calls: { actors: string[]; status: number }[];
  /** The next `n` calls answer 429 (with `retry-after` seconds when given). */
  throttle(n: number, retryAfterS?: number): void;
  close(): Promise<void>;
}

/**
 * Bluesky's AppView, as far as `app.bsky.actor.getProfiles` goes: up to 25 `actors` per call
 * (more is a 400, as the lexicon says), profiles of the DIDs it knows, unknown ones left out.
 */
export async function startFakeAppView(
  profiles: Readonly<Record<string, { handle: string; followers: number }>>,
): Promise<FakeAppView> {
  const calls: FakeAppView["calls"] = [];
  let throttled = 0;
  let retryAfter: number | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/xrpc/app.bsky.actor.getProfiles") return res.writeHead(404).end();
    const actors = url.searchParams.getAll("actors");
    if (throttled > 0) {
      throttled--;
      calls.push({ actors, status: 429 });
      res.writeHead(429, {
        "content-type": "application/json",
        ...(retryAfter === undefined ? {} : { "retry-after": String(retryAfter) }),
      });
      return res.end(JSON.stringify({ error: "RateLimitExceeded", message: "Rate Limit Exceeded" }));
    }
    if (actors.length === 0 || actors.length > 25) {
      calls.push({ actors, status: 400 });
      res.writeHead(400, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: "InvalidRequest", message: "actors must have 1 to 25 items" }));
    }
    calls.push({ actors, status: 200 });
    const found = actors.flatMap((did) => {
      const p = profiles[did];
      return p
        ? [
            {
              did,
              handle: p.handle,
              displayName: p.handle,
              followersCount: p.followers,
              followsCount: 1,
              postsCount: 1,
            },
          ]
        : [];
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ profiles: found }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    throttle: (n, s) => {
      throttled = n;
      retryAfter = s;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
