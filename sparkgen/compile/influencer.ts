import { type ExpressionNode, QueryNode as Q, type QueryNode, sql } from "../ast/index.ts";
import type { InfluencerSpec, JobSpec } from "../spec/kinds.ts";
import { NOT_ADDITIVE } from "../spec/rollup.ts";
import { eventTopics, header, KEY, keyColumns, rankedRows, sameKey, VIEWS, windowColumns } from "./common.ts";
import { REFERENCE_DEPTH_VIEW, referenceDepth } from "./reference-depth.ts";
import { column, type MetricResult, resultOf, TABLE_KEY } from "./result.ts";
import type { ColumnRollup } from "./shape.ts";

/** The result columns after KEY, in the order the final SELECT writes them. */
const influencerColumns = (spec: InfluencerSpec) => [
  column("author_id", "text"),
  column("username", "text"),
  column("rank", "integer"),
  column("score", "double precision", false, { min: 0, max: 1, rollup: notAdditive("score") }),
  column("tweets", "bigint", false, { rollup: { kind: "sum" } }),
  column("retweets", "bigint", false, { rollup: REPORTED }),
  column("favourites", "bigint", false, { rollup: REPORTED }),
  column("followers", "bigint", false, { rollup: { kind: "max" } }),
  column("depth", "integer", false, { min: 0, max: spec.depthCap, rollup: notAdditive("depth") }),
];

/**
 * Over several windows (compile/shape.ts `ColumnRollup`): tweets add, followers take the largest;
 * a tweet's retweets and likes are its largest reported counts, repeated in every window it is
 * known in, and score and depth are per window, so none of those adds up.
 */
const REPORTED: ColumnRollup = { kind: "none", why: NOT_ADDITIVE.reported };
const notAdditive = (m: "score" | "depth"): ColumnRollup => ({ kind: "none", why: NOT_ADDITIVE[m] });

/** The influencers: one row per (window, topic, author), ranked by score, shown by username. */
export const influencerResult = (spec: InfluencerSpec): MetricResult =>
  resultOf({
    query: (job) => compileInfluencer(spec, job),
    referenceDepth: (job) =>
      referenceDepth(
        { metric: spec, id: spec.columns.id, refId: spec.columns.refId, cap: spec.depthCap },
        job,
      ),
    columns: influencerColumns(spec),
    key: [...TABLE_KEY, "author_id"],
    shape: { kind: "ranked", label: "username", by: "score" },
  });

/**
 * docs/contracts.md "Influencers", step by step: the tweets each author is known for, their retweet and
 * like counts, the depth of the reference chains below them (the step's loop computes the view
 * before the statement), the author's facts, then normalise, weigh, rank and keep the top N.
 */
export function compileInfluencer(spec: InfluencerSpec, job: JobSpec): QueryNode {
  const c = spec.columns;
  const notRetweet = sql.or(sql.isNull(c.relation), sql.op(c.relation, "<>", sql.lit(spec.retweetRelation)));
  const from = (where?: ExpressionNode) => ({ from: sql.table("event_topics"), ...(where ? { where } : {}) });
  const onTweet = (a: string, b: string) => sql.and(sameKey(a, b), sql.eq(`${a}.tweet_id`, `${b}.tweet_id`));

  const owners = sql.cte(
    "tweet_owners",
    "the tweets of each author known in (window, topic): own records other than retweets\n(a retweet's public metrics are the original's), and every referenced tweet",
    sql.unionDistinct([
      sql.select([...KEY, sql.as(c.id, "tweet_id"), sql.as(c.author, "author_id")], from(notRetweet)),
      sql.select(
        [...KEY, sql.as(c.refId, "tweet_id"), sql.as(c.refAuthor, "author_id")],
        from(sql.and(sql.isNotNull(c.refId), sql.isNotNull(c.refAuthor))),
      ),
    ]),
  );
  const reported = sql.cte(
    "reported_counts",
    "every reported retweet and like count of a tweet: its own, and those of records referencing it",
    sql.unionAll(
      sql.select(
        [...KEY, sql.as(c.id, "tweet_id"), sql.as(c.retweetCount, "retweets"), sql.as(c.likeCount, "likes")],
        from(notRetweet),
      ),
      sql.select(
        [
          ...KEY,
          sql.as(c.refId, "tweet_id"),
          sql.as(c.refRetweetCount, "retweets"),
          sql.as(c.refLikeCount, "likes"),
        ],
        from(sql.isNotNull(c.refId)),
      ),
    ),
  );
  const retweetRecords = sql.cte(
    "retweet_records",
    "the records in (window, topic) that retweet each tweet",
    sql.select([...KEY, sql.as(c.refId, "tweet_id"), sql.as(sql.count(), "retweets")], {
      ...from(sql.and(sql.eq(c.relation, sql.lit(spec.retweetRelation)), sql.isNotNull(c.refId))),
      groupBy: [...keyColumns(), sql.col(c.refId)],
    }),
  );
  // Each tweet's largest reported counts, one row per tweet before the join with its owners (a
  // hash aggregate whose partial step runs before the shuffle), not one row per report joined.
  const tweetReports = sql.cte(
    "tweet_reports",
    "the largest reported retweet and like count of each tweet",
    sql.select(
      [
        ...KEY,
        "tweet_id",
        sql.as(sql.fn("max", "retweets"), "retweets"),
        sql.as(sql.fn("max", "likes"), "likes"),
      ],
      { from: sql.table("reported_counts"), groupBy: [...keyColumns(), sql.col("tweet_id")] },
    ),
  );
  const tweetCounts = sql.cte(
    "tweet_counts",
    "rt(P): the largest reported retweet count or the retweet records seen; likes(P): the largest like count\n(tweet_owners is distinct and the joined rows are one per tweet: no aggregation)",
    sql.select(
      [
        ...KEY.map((k) => `o.${k}`),
        "o.author_id",
        "o.tweet_id",
        sql.as(
          sql.fn("greatest", sql.fn("coalesce", "r.retweets", 0), sql.fn("coalesce", "n.retweets", 0)),
          "rt",
        ),
        sql.as(sql.fn("coalesce", "r.likes", 0), "likes"),
      ],
      {
        from: sql.table("tweet_owners", "o"),
        joins: [
          sql.join("LEFT", sql.table("tweet_reports", "r"), onTweet("r", "o")),
          sql.join("LEFT", sql.table("retweet_records", "n"), onTweet("n", "o")),
        ],
      },
    ),
  );
  const authorTweets = sql.cte(
    "author_tweets",
    "retweets = Σ rt(P), favourites = Σ likes(P), depth = the deepest chain over the author's tweets",
    sql.select(
      [
        ...KEY.map((k) => `t.${k}`),
        "t.author_id",
        sql.as(sql.fn("sum", "t.rt"), "retweets"),
        sql.as(sql.fn("sum", "t.likes"), "favourites"),
        sql.as(sql.fn("coalesce", sql.fn("max", "d.depth"), 0), "depth"),
      ],
      {
        from: sql.table("tweet_counts", "t"),
        joins: [sql.join("LEFT", sql.table(REFERENCE_DEPTH_VIEW, "d"), onTweet("d", "t"))],
        groupBy: [...keyColumns("t"), sql.col("author_id", "t")],
      },
    ),
  );
  const sightings = sql.cte(
    "author_sightings",
    "every mention of an author in (window, topic): as a record's author or as a referenced author",
    sql.unionAll(
      sql.select(
        [
          ...KEY,
          sql.as(c.author, "author_id"),
          sql.as(sql.lit(1), "authored"),
          sql.as(c.followers, "followers"),
          sql.as(c.username, "username"),
          sql.as(c.eventTime, "seen_at"),
          sql.as(c.ingestedAt, "ingested_at"),
        ],
        from(),
      ),
      sql.select(
        [
          ...KEY,
          sql.as(c.refAuthor, "author_id"),
          sql.as(sql.lit(0), "authored"),
          sql.as(c.refFollowers, "followers"),
          sql.as(c.refUsername, "username"),
          sql.as(c.eventTime, "seen_at"),
          sql.as(c.ingestedAt, "ingested_at"),
        ],
        from(sql.isNotNull(c.refAuthor)),
      ),
    ),
  );
  // Hash-aggregated (no string in the buffer): a username's max_by would make Spark sort every
  // sighting; the names are looked up for the ranked authors only (the final SELECT).
  const facts = sql.cte(
    "author_facts",
    "tweets authored and the largest reported follower count",
    sql.select(
      [
        ...KEY,
        "author_id",
        sql.as(sql.fn("sum", "authored"), "tweets"),
        sql.as(sql.fn("coalesce", sql.fn("max", "followers"), 0), "followers"),
      ],
      { from: sql.table("author_sightings"), groupBy: [...keyColumns(), sql.col("author_id")] },
    ),
  );
  const components = sql.cte(
    "author_components",
    "the four components of each author's score",
    sql.select(
      [
        ...KEY.map((k) => `f.${k}`),
        "f.author_id",
        "f.tweets",
        sql.as(sql.fn("coalesce", "t.retweets", 0), "retweets"),
        sql.as(sql.fn("coalesce", "t.favourites", 0), "favourites"),
        "f.followers",
        sql.as(sql.fn("coalesce", "t.depth", 0), "depth"),
      ],
      {
        from: sql.table("author_facts", "f"),
        joins: [
          sql.join(
            "LEFT",
            sql.table("author_tweets", "t"),
            sql.and(sameKey("t", "f"), sql.eq("t.author_id", "f.author_id")),
          ),
        ],
      },
    ),
  );
  const w = spec.weights;
  const scores = sql.cte(
    "author_scores",
    "score = Σ weight · c(component), c(x) = ln(1 + x) / ln(1 + max x in the topic), 0 when max x = 0",
    sql.select(
      [
        sql.star(),
        sql.as(
          sql.weightedScore(
            [
              [w.retweets, "retweets"],
              [w.favourites, "favourites"],
              [w.followers, "followers"],
              [w.depth, "depth"],
            ],
            [...KEY],
          ),
          "score",
        ),
      ],
      { from: sql.table("author_components") },
    ),
  );
  const ranked = rankedRows(
    "ranked_authors",
    "rank by score, then followers, then author_id",
    "author_scores",
    [sql.desc("score"), sql.desc("followers"), sql.asc("author_id")],
  );
  // Latest known username: a known name beats NULL, then the newest record, then the newest ingest.
  const latest = sql.fn(
    "named_struct",
    sql.lit("known"),
    sql.isNotNull("s.username"),
    sql.lit("seen_at"),
    "s.seen_at",
    sql.lit("ingested_at"),
    "s.ingested_at",
    sql.lit("username"),
    "s.username",
  );
  const sameAuthor = sql.and(sameKey("a", "s"), sql.eq("a.author_id", "s.author_id"));
  const outputs = ["topic", ...influencerColumns(spec).map((col) => col.name)];
  // An author known only by reference has no username: the id stands in.
  const username = sql.as(
    sql.fn("coalesce", sql.fn("max_by", "s.username", latest), "a.author_id"),
    "username",
  );
  // The ranked authors are read once, filtered here to the top N: Spark inlines a CTE read twice,
  // and the filters it infers for one reading would keep it from reusing the other's shuffle (the
  // whole ranking would run twice). The top N are few (per window and topic): broadcast, so no
  // sighting is shuffled, and only their sightings are sorted for max_by.
  const body = sql.select(
    [...windowColumns("a"), ...outputs.map((n) => (n === "username" ? username : sql.as(`a.${n}`, n)))],
    {
      from: sql.table("author_sightings", "s"),
      joins: [sql.broadcastJoin("INNER", sql.table("ranked_authors", "a"), sameAuthor)],
      where: sql.op("a.rank", "<=", spec.topN),
      groupBy: [
        ...keyColumns("a"),
        ...outputs.filter((n) => n !== "username" && n !== "topic").map((n) => sql.col(n, "a")),
      ],
    },
  );
  return Q.create(
    header(
      spec.source,
      spec.name,
      spec.description,
      `${VIEWS.events}, ${VIEWS.params} and ${REFERENCE_DEPTH_VIEW}`,
    ),
    [
      eventTopics(job),
      owners,
      reported,
      retweetRecords,
      tweetReports,
      tweetCounts,
      authorTweets,
      sightings,
      facts,
      components,
      scores,
      ranked,
    ],
    body,
  );
}
