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
 * referencing a tweet (a reply to a quote of it is depth 2), per partition, capped. Spark 3.5 has
 * no WITH RECURSIVE, so the chain is unrolled to the cap: one CTE per level, each read once by the
 * next, so the plan grows linearly with the cap. Rows are (tweet, frontier record, depth): a record
 * has one ref_id, so it is the frontier of at most `cap` tweets and the rows stay bounded by
 * records × cap even for viral tweets. A chain that ends keeps its row (frontier NULL) with the
 * depth it reached.
 *
 * Returns the CTEs to add after `from`'s and the name of the last one: (partition…, tweet_id, depth).
 */
export function referenceDepth(o: ReferenceDepthInput): { ctes: CteNode[]; view: string } {
  const p = o.partition;
  const within = p.join(", ");
  const edges = sql.cte(
    "reference_edges",
    `record → referenced tweet, for every record in (${within}) that references one (any relation)`,
    sql.select([...p, sql.as(o.id, "id"), sql.as(o.refId, "ref_id")], {
      from: sql.table(o.from),
      where: sql.isNotNull(o.refId),
      distinct: true,
    }),
  );
  const levels: CteNode[] = [];
  for (let k = 1; k <= o.cap; k++) {
    levels.push(
      sql.cte(
        `chain_depth_${k}`,
        k === 1
          ? "chains of depth 1: each record referencing a tweet"
          : `chains extended by one record where one references the frontier (depth ${k}), or kept as they are`,
        k === 1
          ? sql.select(
              [...p, sql.as("ref_id", "tweet_id"), sql.as("id", "frontier"), sql.as(sql.lit(1), "depth")],
              {
                from: sql.table("reference_edges"),
              },
            )
          : sql.select(
              [
                ...p.map((c) => `c.${c}`),
                "c.tweet_id",
                sql.as("r.id", "frontier"),
                sql.as(sql.caseWhen([[sql.isNull("r.id"), "c.depth"]], sql.lit(k)), "depth"),
              ],
              {
                from: sql.table(`chain_depth_${k - 1}`, "c"),
                joins: [
                  sql.join(
                    "LEFT",
                    sql.table("reference_edges", "r"),
                    sql.and(...p.map((c) => sql.eq(`r.${c}`, `c.${c}`)), sql.eq("r.ref_id", "c.frontier")),
                  ),
                ],
              },
            ),
      ),
    );
  }
  const depths = sql.cte(
    "tweet_depth",
    `the longest reference chain ending at each tweet, capped at ${o.cap}`,
    sql.select([...p, "tweet_id", sql.as(sql.fn("max", "depth"), "depth")], {
      from: sql.table(`chain_depth_${o.cap}`),
      groupBy: [...p.map((c) => sql.col(c)), sql.col("tweet_id")],
    }),
  );
  return { ctes: [edges, ...levels, depths], view: "tweet_depth" };
}
