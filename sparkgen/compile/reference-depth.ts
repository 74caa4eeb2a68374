import { QueryNode as Q, type QueryNode, sql } from "../ast/index.ts";
import type { JobSpec } from "../spec/kinds.ts";
import { eventTopics, header, KEY, VIEWS } from "./common.ts";

/** Whose depth: the metric's spec (for the edges statement's header) and its record columns. */
export interface ReferenceDepthInput {
  readonly metric: { readonly source: string; readonly name: string };
  /** The record's id and the id of the tweet it references (NULL: none). */
  readonly id: string;
  readonly refId: string;
  /** Chains longer than this count as this long. */
  readonly cap: number;
}

/**
 * The temp view of (window_start, window_end, topic, tweet_id, depth) the step registers before a
 * metric's statement that reads depths (one metric at a time, so one name serves every metric).
 */
export const REFERENCE_DEPTH_VIEW = "tweet_depth";

/**
 * The longest chain of records referencing a tweet (docs/contracts.md "Influencers", depth), per
 * window and topic, capped: computed by the step's loop over the edges (trends_step/depth.py, which
 * states the levels and when they stop), not by the metric's statement, because the data's depth
 * is rarely the cap and SQL cannot stop early. Spark 3.5 has no WITH RECURSIVE; unrolled to the
 * cap, the statement ran eight self-joins for every window, most of them on empty frontiers.
 */
export interface ReferenceDepthLoop {
  /** The edges statement: (partition…, id, ref_id), distinct, one row per referencing record. */
  readonly edges: QueryNode;
  /** The temp view of (partition…, tweet_id, depth) the step registers before the metric's statement. */
  readonly view: string;
  readonly cap: number;
}

/** The name of a metric's edges statement (its `.sql` file, its key among the job's statements). */
export const referenceEdgesStatement = (metric: string) => `${metric}.reference_edges`;

/** The loop of `o`'s depths: chains never cross a window or a topic (KEY), so the edges are per both. */
export function referenceDepth(o: ReferenceDepthInput, job: JobSpec): ReferenceDepthLoop {
  const name = referenceEdgesStatement(o.metric.name);
  const edges = sql.select([...KEY, sql.as(o.id, "id"), sql.as(o.refId, "ref_id")], {
    from: sql.table("event_topics"),
    where: sql.isNotNull(o.refId),
    distinct: true,
  });
  const about = `the reference edges (record → referenced tweet) of ${o.metric.name}'s depth, per window and topic`;
  return Object.freeze({
    edges: Q.create(header(o.metric.source, name, about, VIEWS.events), [eventTopics(job)], edges),
    view: REFERENCE_DEPTH_VIEW,
    cap: o.cap,
  });
}
