import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  blueskyReplaySource,
  createAnalyser,
  DirSink,
  profilesPathFor,
  runPipeline,
} from "../../ingest/index.ts";
import { compileRule } from "../../ingest/sources/bluesky/rules.ts";
import type { EventV1 } from "../../sparkgen/schema/index.ts";
import { DIDS, FRAMES, P1, PROFILES } from "../fakes/jetstream/frames.ts";
import {
  influencerRows,
  inputsFor,
  type ResultsDb,
  r9,
  resultsDb,
  runWindowStep,
  SPARK_TIMEOUT,
  type StepRun,
  sentimentRows,
  why,
  windowOf,
  wordRows,
} from "../sparkgen/support.ts";

/**
 * The local pipeline on Bluesky-shaped data: recorded Jetstream frames (test/fakes/jetstream) →
 * bluesky-replay → VADER → dir sink → the generated Spark step → PostgreSQL, checked against
 * numbers worked out by hand from the frames (below).
 */
const W = windowOf("2026-11-26T04:00:00.000Z");
const ln = Math.log;
const c = (x: number, max: number) => (max === 0 ? 0 : ln(1 + x) / ln(1 + max));

let root: string;
let events: EventV1[];
let r: ResultsDb;
let run: StepRun;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "trends-bsky-e2e-"));
  const file = join(dir, "frames.ndjson");
  writeFileSync(file, `${FRAMES.join("\n")}\n`);
  writeFileSync(profilesPathFor(file), JSON.stringify(PROFILES));
  root = join(dir, "out");
  let tick = Date.parse("2026-11-26T04:05:00.000Z");
  const summary = await runPipeline({
    source: blueskyReplaySource({
      file,
      rules: [compileRule("acme", "acme")],
      mapper: { likeCopyMs: 0, now: () => tick++ },
    }),
    analyser: createAnalyser("vader"),
    sink: new DirSink({ out: root, flushMs: 10, now: () => new Date("2026-11-26T04:05:00.000Z") }),
    progressMs: 0,
  });
  expect(summary).toMatchObject({ events: 7, badMessages: 1, skipped: 5 });
  const hour = join(root, "raw/2026/11/26/04");
  events = readdirSync(hour).flatMap((f) =>
    readFileSync(join(hour, f), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as EventV1),
  );
  r = await resultsDb("bsky");
  run = await runWindowStep(r, W, inputsFor(`${root}/raw/`, W));
}, SPARK_TIMEOUT);
afterAll(async () => {
  await r?.db.destroy();
});

describe("Bluesky replay through the generated Spark step", () => {
  it("lands hashtags, mentions and URLs from the facets in the raw events", () => {
    const p1 = events.filter((e) => e.id === P1);
    expect(p1.map((e) => e.like_count)).toEqual([0, 1, 2]);
    for (const e of p1)
      expect(e).toMatchObject({
        hashtags: ["acme"],
        mentions: ["bob.test"],
        urls: ["https://acme.example/p"],
      });
    const bob = events.find((e) => e.id.endsWith("/3kb2"))!;
    expect(bob).toMatchObject({ hashtags: ["acme"], mentions: ["alice.test"] });
    expect("urls" in bob).toBe(false);
    const reply = events.find((e) => e.ref_type === "replied_to")!;
    expect("hashtags" in reply).toBe(false);
  });

  it("runs the step: 7 lines, 2 like copies deduplicated", () => {
    expect(run.code, why(run)).toBe(0);
    expect(run.result).toEqual({ rows_read: 7, bad_records: 0, duplicates: 2, events: 5 });
  });

  it("ranks the hand-worked influencers", async () => {
    // alice: 1 post; its repost (bob), reply (dave) and quote (erin) make rt = 1, likes = 2 (the
    // latest copy), depth 1, followers 5000 — the maximum of every component, score 1.
    // bob (120), erin (300), dave (9): followers only.
    const followersOnly = (f: number) => r9(0.25 * c(f, 5000));
    const rows = (await influencerRows(r.db, W)).filter((x) => x.topic === "acme");
    expect(rows).toEqual([
      {
        topic: "acme",
        rank: 1,
        author_id: DIDS.alice,
        username: "alice.test",
        score: 1,
        tweets: 1,
        retweets: 1,
        favourites: 2,
        followers: 5000,
        depth: 1,
      },
      {
        topic: "acme",
        rank: 2,
        author_id: DIDS.erin,
        username: "erin.test",
        score: followersOnly(300),
        tweets: 1,
        retweets: 0,
        favourites: 0,
        followers: 300,
        depth: 0,
      },
      {
        topic: "acme",
        rank: 3,
        author_id: DIDS.bob,
        username: "bob.test",
        score: followersOnly(120),
        tweets: 2,
        retweets: 0,
        favourites: 0,
        followers: 120,
        depth: 0,
      },
      {
        topic: "acme",
        rank: 4,
        author_id: DIDS.dave,
        username: "dave.test",
        score: followersOnly(9),
        tweets: 1,
        retweets: 0,
        favourites: 0,
        followers: 9,
        depth: 0,
      },
    ]);
    expect(rows[1]?.score).toBeCloseTo(0.1675135, 6);
  });

  it("averages the sentiment of the five deduplicated records", async () => {
    const latest = new Map<string, EventV1>();
    for (const e of events)
      if (!latest.has(e.id) || e.ingested_at > latest.get(e.id)!.ingested_at) latest.set(e.id, e);
    const scores = [...latest.values()].map((e) => e.sentiment_score!);
    expect(scores.every((s) => typeof s === "number")).toBe(true);
    const avg = scores.reduce((a, b) => a + b, 0) / scores.length;
    const rows = (await sentimentRows(r.db, W)).filter((x) => x.topic === "acme");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ n_tweets: 5, n_scored: 5, avg_score: r9(avg) });
    expect(rows[0]?.pos_share).toBe(r9(scores.filter((s) => s >= 0.25).length / 5));
    expect(rows[0]?.neg_share).toBe(r9(scores.filter((s) => s <= -0.25).length / 5));
  });

  it("counts the words of the four non-reposts", async () => {
    const words = new Map(
      (await wordRows(r.db, W)).filter((x) => x.topic === "acme").map((x) => [x.word, x.count]),
    );
    // "Acme" in alice's, dave's and erin's posts; "#Acme" and "#ACME" in alice's and bob's.
    expect(words.get("acme")).toBe(3);
    expect(words.get("#acme")).toBe(2);
    expect(words.get("great")).toBe(2);
    expect(words.get("terrible")).toBe(1);
    // URLs and @mentions are dropped.
    expect([...words.keys()].some((w) => w.includes("bob") || w.includes("example"))).toBe(false);
  });
});
