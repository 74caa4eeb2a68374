import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  inputsFor,
  type ResultsDb,
  resultsDb,
  runWindowStep,
  SPARK_TIMEOUT,
  type StepRun,
  why,
  windowOf,
} from "./support.ts";

/*
 * A window whose events were written by something other than ingest's encoder (an old replay, a
 * hand-made file): NUL, bidi overrides and 64-code-point values in every string field. The step
 * must commit it, storing U+0000 as U+FFFD (the sanitiser's rule, docs/contracts.md "Strings") and
 * everything else as sent. Before the writer made its strings storable, PostgreSQL refused the
 * window's JSON ("unsupported Unicode escape sequence") on every retry, for every topic.
 */
const W = windowOf("2026-11-29T10:00:00.000Z");
const WIDE = "🚀".repeat(64);
const TOPIC = "acme\u0000\u202e";
const STORED_TOPIC = "acme\uFFFD\u202e";

const event = (id: string, second: number, fields: Record<string, unknown>) => ({
  v: 1,
  id,
  created_at: new Date(W.start.getTime() + second * 1000).toISOString(),
  ingested_at: new Date(W.start.getTime() + second * 1000 + 500).toISOString(),
  author_id: `a-${id}`,
  author_username: "bo\u0000b\u202e",
  author_followers: 10,
  text: "acme \u0000 launch \u202egreat\u202c day",
  lang: "e\u0000n",
  retweet_count: 1,
  like_count: 2,
  reply_count: 0,
  quote_count: 0,
  ref_type: null,
  ref_id: null,
  ref_author_id: null,
  ref_author_username: null,
  ref_author_followers: null,
  ref_retweet_count: null,
  ref_like_count: null,
  rules: [TOPIC, WIDE],
  hashtags: ["ha\u0000sh", WIDE],
  mentions: ["me\u0000n\u202e"],
  urls: ["https://ex\u0000ample.com/a", `https://${"a".repeat(60)}.io/`],
  sentiment_score: 0.5,
  sentiment_magnitude: 0.5,
  sentiment_source: "vader\u0000",
  ...fields,
});

describe("sparkgen window step: values PostgreSQL cannot store", () => {
  let root: string;
  let r: ResultsDb;
  let run: StepRun;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "trends-unstorable-"));
    const hour = join(root, "2026/11/29/10");
    mkdirSync(hour, { recursive: true });
    const lines = [
      event("u\u00001", 10, {}),
      event("u2", 20, { author_id: "a-u2\u0000", author_username: WIDE, lang: WIDE }),
      event("u3", 30, { ref_type: "replied_to", ref_id: "u\u00001", ref_author_id: "a-u1" }),
    ];
    writeFileSync(join(hour, "trends-raw-1"), `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    r = await resultsDb("sg_unstorable");
    run = await runWindowStep(r, W, inputsFor(`${root}/`, W));
  }, SPARK_TIMEOUT);
  afterAll(async () => {
    await r?.db.destroy();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("commits the window, every event read", () => {
    expect(run.code, why(run)).toBe(0);
    expect(run.result).toEqual({ rows_read: 3, bad_records: 0, duplicates: 0, events: 3 });
  });

  it("stores U+0000 as U+FFFD and keeps bidi controls and 64-code-point values as sent", async () => {
    const topics = await r.db
      .selectFrom("sentiment_window")
      .select(["topic", "n_tweets"])
      .where("window_start", "=", W.start)
      .orderBy("topic")
      .execute();
    expect(topics.map((t) => [t.topic, Number(t.n_tweets)])).toEqual([
      ["*", 3],
      [STORED_TOPIC, 3],
      [WIDE, 3],
    ]);
    const users = await r.db
      .selectFrom("influencer_window")
      .select("username")
      .where("window_start", "=", W.start)
      .where("topic", "=", STORED_TOPIC)
      .execute();
    // a-u1 is also ranked as u3's reference author, named by its id (the reply carries no name).
    expect(new Set(users.map((u) => u.username))).toEqual(new Set(["bo\uFFFDb\u202e", WIDE, "a-u1"]));
    const tags = await r.db
      .selectFrom("hashtag_window")
      .select("tag")
      .where("window_start", "=", W.start)
      .where("topic", "=", "*")
      .execute();
    expect(new Set(tags.map((t) => t.tag))).toEqual(new Set(["ha\uFFFDsh", WIDE]));
    const mentions = await r.db
      .selectFrom("mention_window")
      .select("username")
      .where("window_start", "=", W.start)
      .where("topic", "=", "*")
      .execute();
    expect(mentions.map((m) => m.username)).toEqual(["me\uFFFDn\u202e"]);
    const langs = await r.db
      .selectFrom("language_window")
      .select("lang")
      .where("window_start", "=", W.start)
      .where("topic", "=", "*")
      .execute();
    expect(new Set(langs.map((l) => l.lang))).toEqual(new Set(["e\uFFFDn", WIDE]));
  });
});
