import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blueskySource, ProfileCache } from "../../ingest/index.ts";
import { compileRule } from "../../ingest/sources/bluesky/rules.ts";
import { type FakeAppView, startFakeAppView } from "../fakes/jetstream/appview.ts";
import { DIDS, EVENT_IDS, FRAMES, frameTime, P1, PROFILES, RECORDS_SENT } from "../fakes/jetstream/frames.ts";
import { type FakeJetstream, startFakeJetstream } from "../fakes/jetstream/server.ts";
import { dedup, ingest } from "./bluesky-run.ts";

const RULES = [compileRule("acme", "acme")];
let js: FakeJetstream;
let appView: FakeAppView;
beforeAll(async () => {
  js = await startFakeJetstream(FRAMES);
  appView = await startFakeAppView(PROFILES);
});
afterAll(async () => {
  await js.close();
  await appView.close();
});

const source = (over: { cursorFile?: string; silenceMs?: number } = {}) =>
  blueskySource({
    rules: RULES,
    endpoints: [js.url],
    silenceMs: over.silenceMs ?? 2_000,
    backoff: { baseMs: 20, maxMs: 100 },
    profiles: { appViewUrl: appView.url, backoffBaseMs: 10, backoffMaxMs: 50, minIntervalMs: 0 },
    mapper: { likeCopyMs: 0 },
    ...(over.cursorFile ? { cursorFile: over.cursorFile } : {}),
  });

describe("bluesky source against a fake Jetstream and AppView", () => {
  it("maps posts, replies, quotes, reposts and likes of matching posts; skips the rest", async () => {
    appView.throttle(1, 0);
    js.script([{ idle: true }]);
    const before = js.connections.length;
    const { summary, records } = await ingest(source(), RECORDS_SENT);
    expect(js.connections[before]).toEqual({
      wantedCollections: ["app.bsky.feed.post", "app.bsky.feed.repost", "app.bsky.feed.like"],
      // Jetstream drops larger events itself (issue 29, item 5).
      maxMessageSizeBytes: String(4 * 1024 * 1024),
      cursor: undefined,
    });
    expect(summary).toMatchObject({ events: RECORDS_SENT, badMessages: 1, badReasons: { "bad JSON": 1 } });
    // identity, no match, like of an unmatched post, delete, account.
    expect(summary.skipped).toBe(5);
    const byId = dedup(records);
    expect([...byId.keys()].sort()).toEqual(EVENT_IDS);
    const p1 = byId.get(P1)!;
    expect(p1).toMatchObject({
      author_id: DIDS.alice,
      author_username: "alice.test",
      author_followers: 5000,
      created_at: "2026-11-26T04:00:01.000Z",
      lang: "en",
      like_count: 2,
      retweet_count: 1,
      reply_count: 1,
      quote_count: 1,
      ref_type: null,
      rules: ["acme"],
      hashtags: ["acme"],
      mentions: ["bob.test"],
      urls: ["https://acme.example/p"],
      sentiment_source: "vader",
    });
    expect(p1.sentiment_score).toBeGreaterThan(0.5);
    const repost = byId.get(`at://${DIDS.bob}/app.bsky.feed.repost/3kr1`)!;
    expect(repost).toMatchObject({
      author_username: "bob.test",
      author_followers: 120,
      text: p1.text,
      ref_type: "retweeted",
      ref_id: P1,
      ref_author_id: DIDS.alice,
      ref_author_username: "alice.test",
      ref_author_followers: 5000,
      ref_retweet_count: 1,
      ref_like_count: 0,
      hashtags: ["acme"],
    });
    const reply = byId.get(`at://${DIDS.dave}/app.bsky.feed.post/3kd1`)!;
    expect(reply).toMatchObject({
      ref_type: "replied_to",
      ref_id: P1,
      ref_author_followers: 5000,
      ref_like_count: 1,
    });
    expect(reply.sentiment_score).toBeLessThan(-0.5);
    const quote = byId.get(`at://${DIDS.erin}/app.bsky.feed.post/3ke1`)!;
    // Written with a clock an hour fast: clamped to the frame's time_us.
    expect(quote).toMatchObject({ ref_type: "quoted", ref_id: P1, created_at: "2026-11-26T04:00:06.000Z" });
    const bob = byId.get(`at://${DIDS.bob}/app.bsky.feed.post/3kb2`)!;
    // Byte offsets after a 4-byte emoji still find the mention; tags lower-case, no "#".
    expect(bob).toMatchObject({ mentions: ["alice.test"], hashtags: ["acme"], lang: "en" });
    expect(bob.urls).toBeUndefined();
    // The 429 was retried; no call asked for more than 25 actors.
    expect(appView.calls[0]?.status).toBe(429);
    expect(appView.calls.every((c) => c.actors.length <= 25)).toBe(true);
  });

  it("survives a drop, a stall and a frame cut mid-message without losing or doubling an event", async () => {
    js.script([{ dropAfter: 3 }, { stallAfter: 6 }, { cutAfter: 9 }, { idle: true }]);
    const before = js.connections.length;
    const { summary, records } = await ingest(source({ silenceMs: 300 }), RECORDS_SENT);
    expect(js.connections.length - before).toBe(4);
    // Each reconnect asks from the last frame seen, rewound 5 s.
    for (const c of js.connections.slice(before + 1))
      expect(c.cursor).toBeLessThanOrEqual(frameTime(9) - 5_000_000 + 10);
    expect([...dedup(records).keys()].sort()).toEqual(EVENT_IDS);
    // Frames delivered again by the rewind are recognised: the like counts are not doubled.
    expect(dedup(records).get(P1)?.like_count).toBe(2);
    expect(summary.events).toBe(RECORDS_SENT);
  });

  it("restarts from the persisted cursor with no gap", async () => {
    const cursorFile = join(mkdtempSync(join(tmpdir(), "trends-bsky-")), "cursor");
    js.script([{ idle: true }, { idle: true }]);
    // First run: the post, the repost and the first like (3 records), then stop.
    const first = await ingest(source({ cursorFile }), 3);
    const saved = Number(readFileSync(cursorFile, "utf8"));
    expect(saved).toBeGreaterThanOrEqual(frameTime(3));
    expect(saved).toBeLessThanOrEqual(frameTime(4));
    const before = js.connections.length;
    // A saved cursor's instance is not known: the resume rewinds as a switch does (60 s), which
    // delivers the first run's frames again; their records repeat and the step's dedup by id
    // absorbs them; the like counts start again from the post itself.
    const second = await ingest(source({ cursorFile }), RECORDS_SENT);
    expect(js.connections[before]?.cursor).toBe(saved - 60_000_000);
    const all = dedup([...first.records, ...second.records]);
    expect([...all.keys()].sort()).toEqual(EVENT_IDS);
    expect(all.get(P1)?.like_count).toBe(2);
    expect(Number(readFileSync(cursorFile, "utf8"))).toBe(frameTime(10));
  });
});

describe("AppView profiles", () => {
  it("asks 25 actors per call, waits out 429s and caches with a TTL", async () => {
    const profiles = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`did:plc:user${i}`, { handle: `u${i}.test`, followers: i * 10 }]),
    );
    const av = await startFakeAppView(profiles);
    try {
      let now = 1_000;
      const cache = new ProfileCache({
        appViewUrl: av.url,
        minIntervalMs: 0,
        backoffBaseMs: 5,
        backoffMaxMs: 20,
        now: () => now,
      });
      av.throttle(2);
      const records = Object.keys(profiles).map(
        (did) =>
          ({ author_id: did, author_username: did, author_followers: 0, ref_author_id: null }) as never,
      );
      await cache.enrich(records, new AbortController().signal);
      expect(av.calls.map((c) => [c.status, c.actors.length])).toEqual([
        [429, 25],
        [429, 25],
        [200, 25],
        [200, 25],
        [200, 10],
      ]);
      expect(records.map((r: { author_followers: number }) => r.author_followers)).toEqual(
        Object.values(profiles).map((p) => p.followers),
      );
      await cache.enrich(records, new AbortController().signal);
      expect(av.calls).toHaveLength(5);
      now += 3_600_001;
      await cache.enrich(records.slice(0, 1), new AbortController().signal);
      expect(av.calls).toHaveLength(6);
      expect(cache.stats).toMatchObject({ throttled: 2, failed: 0 });
    } finally {
      await av.close();
    }
  });
});
