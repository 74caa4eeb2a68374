import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { NormalisedRecord } from "../../types.ts";
import { ProfileCache } from "./handles.ts";

/*
 * The AppView's failure modes, each from a real HTTP server on loopback. Before calls had a
 * deadline, the first two held ingest for the HTTP client's 300 s default per attempt (the test
 * timed out), and a large Retry-After made every attempt wait 300 s.
 */
const DID = "did:plc:alice0000000000000000000";
const record = (): NormalisedRecord =>
  ({ author_id: DID, author_username: DID, author_followers: 0, ref_author_id: null }) as NormalisedRecord;

let server: Server | undefined;
const open: ServerResponse[] = [];
afterEach(async () => {
  for (const res of open.splice(0)) res.destroy();
  await new Promise((r) => server?.close(r));
  server = undefined;
});

async function appView(handle: (res: ServerResponse) => void): Promise<{ url: string; calls: () => number }> {
  let calls = 0;
  server = createServer((_req, res) => {
    calls++;
    open.push(res);
    handle(res);
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, calls: () => calls };
}

const cache = (url: string) =>
  new ProfileCache({
    appViewUrl: url,
    callTimeoutMs: 200,
    budgetMs: 600,
    minIntervalMs: 0,
    backoffBaseMs: 10,
  });

describe("AppView lookups never hold the stream", () => {
  it("an AppView that never answers: the batch goes on past its budget, the profiles counted as missing", async () => {
    const { url } = await appView(() => {});
    const profiles = cache(url);
    const records = [record()];
    await profiles.enrich(records, new AbortController().signal);
    expect(records[0]!.author_followers).toBe(0);
    expect(profiles.stats.timedOut).toBeGreaterThanOrEqual(1);
    expect(profiles.stats.failed).toBe(1);
  });

  it("an AppView that drips its body a byte at a time is cut off by the call's deadline", async () => {
    const { url } = await appView((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(" ")), 50);
    });
    const profiles = cache(url);
    await profiles.enrich([record()], new AbortController().signal);
    expect(profiles.stats.timedOut).toBeGreaterThanOrEqual(1);
    expect(profiles.stats.failed).toBe(1);
  });

  it("a Retry-After past the budget gives up at once, and later batches skip the lookup until then", async () => {
    const { url, calls } = await appView((res) => {
      res.writeHead(429, { "retry-after": "100000" });
      res.end();
    });
    const profiles = cache(url);
    await profiles.enrich([record()], new AbortController().signal);
    await profiles.enrich([record()], new AbortController().signal);
    expect(calls()).toBe(1);
    expect(profiles.stats).toMatchObject({ throttled: 1, failed: 2 });
  });

  it("values that are not a handle or a count are ignored and counted, never written", async () => {
    const { url } = await appView((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ profiles: [{ did: DID, handle: "bo\u0000b.test", followersCount: "12\n{}" }] }),
      );
    });
    const profiles = cache(url);
    const records = [record()];
    await profiles.enrich(records, new AbortController().signal);
    expect(records[0]).toMatchObject({ author_username: DID, author_followers: 0 });
    expect(profiles.stats.invalid).toBe(1);
    const big = await appView((res) =>
      res.end(JSON.stringify({ profiles: [{ did: DID, followersCount: 1e21 }] })),
    );
    const again = [record()];
    await cache(big.url).enrich(again, new AbortController().signal);
    expect(again[0]!.author_followers).toBe(0);
  });
});
