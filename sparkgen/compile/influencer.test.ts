import { describe, expect, it } from "vitest";
import type { QueryNode, SelectNode } from "../ast/index.ts";
import { influencerWindow, windowJob } from "../specs/index.ts";
import { compileInfluencer } from "./influencer.ts";

const query = compileInfluencer(influencerWindow, windowJob);
const select = (q: QueryNode, name: string): SelectNode => {
  const c = q.ctes.find((x) => x.name === name);
  if (c?.query.kind !== "SelectNode") throw new Error(`no select CTE ${name}`);
  return c.query;
};
// The functions a tree calls, by name (the AST's CallNode), wherever they are.
const calls = (node: unknown): string[] =>
  JSON.stringify(node)
    .match(/"kind":"CallNode","name":"[a-z_]+"/g)
    ?.map((m) => m.split('"').at(-2)!) ?? [];

describe("influencer: the aggregations a Spark engineer would write", () => {
  it("author facts are hash aggregates; the username's max_by runs over the top N's sightings, broadcast", () => {
    const facts = select(query, "author_facts");
    expect(calls(facts.items)).toEqual(expect.arrayContaining(["sum", "max"]));
    expect(calls(facts.items)).not.toContain("max_by");
    const body = query.body;
    expect(calls(body.items)).toContain("max_by");
    expect(body.from?.name).toBe("author_sightings");
    expect(body.joins.map((j) => [j.joinType, j.table.name, j.broadcast])).toEqual([
      ["INNER", "ranked_authors", true],
    ]);
    // the top-N cut stays the final WHERE (lineage: the stored columns are not "filtered by" the score)
    expect(JSON.stringify(body.where)).toContain('"rank"');
  });

  it("a tweet's reported counts are one row per tweet before the join; no aggregation after it", () => {
    const reports = select(query, "tweet_reports");
    expect(reports.from?.name).toBe("reported_counts");
    expect(reports.groupBy.length).toBeGreaterThan(0);
    const counts = select(query, "tweet_counts");
    expect(counts.joins.map((j) => j.table.name)).toEqual(["tweet_reports", "retweet_records"]);
    expect(counts.groupBy).toEqual([]);
  });
});
