import { CompiledQuery, type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, migrateToLatest, openDb, topInfluencersQuery } from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];

describe("top influencers on a year of 15-minute windows", () => {
  let db: Kysely<Database>;
  beforeAll(async () => {
    db = openDb(await freshDatabase("explain"));
    await migrateToLatest(db);
    // 35,040 windows × 3 topics × 3 authors ≈ 315k rows, generated server-side. The test server
    // runs with synchronous_commit=off; VACUUM cannot mark pages all-visible (what an index-only
    // scan needs) before the inserting commit is flushed, so this one commit is synchronous.
    await db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = on`.execute(trx);
      await sql`
      insert into influencer_window (window_start, window_end, topic, author_id, username, rank, score,
        tweets, retweets, favourites, followers, depth)
      select w, w + interval '15 minutes', t, 'a' || a, 'user' || a, a, 1.0 / a, a, a * 2, a * 3, a * 100, a % 9
      from generate_series(timestamptz '2025-01-01', timestamptz '2025-12-31 23:45', interval '15 minutes') as w,
        unnest(array['*', 'acme', 'globex']) as t,
        generate_series(1, 3) as a`.execute(trx);
    });
    await sql`vacuum analyze influencer_window`.execute(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it("reads a day through influencer_window_topic_start_idx, index only, no sequential scan", async () => {
    const q = topInfluencersQuery(db, {
      topic: "acme",
      from: new Date("2025-06-01T00:00:00Z"),
      to: new Date("2025-06-02T00:00:00Z"),
    }).compile();
    const { rows } = await db.executeQuery<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      CompiledQuery.raw(`explain (format json) ${q.sql}`, [...q.parameters]),
    );
    const nodes = flatten(rows[0]!["QUERY PLAN"][0].Plan);
    // The ranking reads the range from the covering index alone; the usernames of the top authors
    // are index lookups of their latest window (pkey or the covering index, the planner's pick).
    const scans = nodes.filter((n) => n["Relation Name"] === "influencer_window");
    expect(scans.length).toBe(2);
    expect([scans[0]!["Node Type"], scans[0]!["Index Name"]]).toEqual([
      "Index Only Scan",
      "influencer_window_topic_start_idx",
    ]);
    expect(scans[1]!["Node Type"]).toMatch(/^Index (Only )?Scan$/);
    expect(nodes.some((n) => n["Node Type"] === "Seq Scan")).toBe(false);

    // And the answer over that day: 96 windows, author n scores 1/n in each.
    const result = await db.executeQuery<{ author_id: string; windows: number; tweets: number }>(q);
    expect(result.rows.map((r) => [r.author_id, r.windows, r.tweets])).toEqual([
      ["a1", 96, 96],
      ["a2", 96, 192],
      ["a3", 96, 288],
    ]);
  });
});
