import { type CteNode, sql } from "../ast/index.ts";

export interface ReferenceDepthInput {
  /** The relation of records (one row per record and partition value). */
  readonly from: string;
  /** The record's id and the id of the tweet it references (NULL: none). */
  readonly id: string;
  readonly refId: string;
  /** Chains never cross these columns' values (the window and topic). */
  readonly partition: readonly string[];
  /** Chains longer than this count as this long. */
  readonly cap: number;
}

/**
 * A library operator (docs/contracts.md "Influencers", depth): the longest chain of records
 * referencing a tweet (a reply to a quote of it is depth 2), per partition, capped.
 *
 * By frontier: E₁ is the reference edges (record → tweet); E_{k+1} is the edges whose record is
 * the tweet of an edge of E_k (a semi-join of the edges with E_k). An edge is in E_k exactly when a
 * chain of k records ends with it, so a tweet's depth is the largest k ≤ cap whose E_k references
 * it. Each level is smaller than the one before (real chains are short), where unrolling the
 * chains themselves carried every chain through every level. Each level reads the one before once
 * (Spark inlines CTEs: a level reading its predecessor twice would double the plan per level, and
 * 2⁸ copies of the first level ran the driver out of heap). Spark 3.5 has no WITH RECURSIVE: one
 * CTE per level, so the plan grows with the cap; a level past the longest chain is empty.
 *
 * Returns the CTEs to add after `from`'s and the name of the last one: (partition…, tweet_id, depth).
 */
export function referenceDepth(o: ReferenceDepthInput): { ctes: CteNode[]; view: string } {
  const p = o.partition;
  const within = p.join(", ");
  const level = (k: number) => (k === 1 ? "reference_edges" : `chain_edges_${k}`);
  const edges = sql.cte(
    "reference_edges",
    `record → referenced tweet, for every record in (${within}) that references one (any relation): the chains of 1 record`,
    sql.select([...p, sql.as(o.id, "id"), sql.as(o.refId, "ref_id")], {
      from: sql.table(o.from),
      where: sql.isNotNull(o.refId),
      distinct: true,
    }),
  );
  const levels: CteNode[] = [];
  for (let k = 2; k <= o.cap; k++) {
    levels.push(
      sql.cte(
        level(k),
        `the edges ending a chain of ${k} records: those whose record is referenced by an edge ending a chain of ${k - 1}`,
        sql.select([sql.star("e")], {
          from: sql.table("reference_edges", "e"),
          joins: [
            sql.join(
              "LEFT SEMI",
              sql.table(level(k - 1), "r"),
              sql.and(...p.map((c) => sql.eq(`r.${c}`, `e.${c}`)), sql.eq("r.ref_id", "e.id")),
            ),
          ],
        }),
      ),
    );
  }
  const reached = sql.cte(
    "chain_tweets",
    `each tweet with every chain length k ≤ ${o.cap} that reaches it`,
    sql.unionAll(
      ...Array.from({ length: o.cap }, (_, i) =>
        sql.select([...p, sql.as("ref_id", "tweet_id"), sql.as(sql.lit(i + 1), "depth")], {
          from: sql.table(level(i + 1)),
        }),
      ),
    ),
  );
  const depths = sql.cte(
    "tweet_depth",
    `the longest reference chain ending at each tweet, capped at ${o.cap}`,
    sql.select([...p, "tweet_id", sql.as(sql.fn("max", "depth"), "depth")], {
      from: sql.table("chain_tweets"),
      groupBy: [...p.map((c) => sql.col(c)), sql.col("tweet_id")],
    }),
  );
  return { ctes: [edges, ...levels, reached, depths], view: "tweet_depth" };
}
