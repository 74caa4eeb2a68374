import { describe, expect, expectTypeOf, it } from "vitest";
import { isTrendsError } from "../../runtime/errors/index.ts";
import { compileJob, compileMetric, metricShape, outputColumns, primaryKey } from "../compile/index.ts";
import { printExpression, printSparkSql } from "../print/spark-sql.ts";
import { EVENT_V1 } from "../schema/index.ts";
import {
  domainWindow,
  hashtagWindow,
  languageWindow,
  sentimentWindow,
  shareOfVoiceWindow,
  volumeMinute,
  windowJob,
} from "../specs/index.ts";
import { lower } from "../transforms/index.ts";
import { define } from "./define.ts";
import { dsl, type Measure } from "./dsl.ts";
import type { Dimension } from "./metric-dsl.ts";
import type { GeneralMetricSpec } from "./metric-kind.ts";
import { assertValidJob } from "./validate.ts";

// The @ts-expect-error lines are type tests: `tsc --noEmit` fails if any stops being an error.
const e = dsl(EVENT_V1);
const base = { name: "m", description: "d", dimensions: { tag: e.explode("hashtags") } };

describe("metric kind: what the types reject", () => {
  it("a misspelled column, avg of a string, a dimension on a missing column, rank by a non-measure", () => {
    expect(() => {
      // @ts-expect-error misspelled column
      e.countDistinct("author_idd");
      // @ts-expect-error avg of a string column
      e.avg("author_username");
      // @ts-expect-error a dimension on a column that does not exist
      e.column("language");
      // @ts-expect-error explode takes an array column only
      e.explode("text");
      // @ts-expect-error hostOf takes a text column or dimension, not a number
      e.hostOf("like_count");
      // @ts-expect-error matchesOf reads a text column, not an array
      e.matchesOf("hashtags", ".");
      // @ts-expect-error buckets come in 1 and 5 minutes
      e.bucket("created_at", "2m");
      // @ts-expect-error a bucket of a column that is not a timestamp
      e.bucket("text", "1m");
      define.metric(import.meta.url, {
        ...base,
        measures: { count: e.count() },
        // @ts-expect-error rank by something that is not a measure of the spec
        rank: { top: 10, by: "authors" },
      });
      define.metric(import.meta.url, {
        ...base,
        // @ts-expect-error a derived measure reading a measure the spec does not have
        measures: { n: e.count(), share: e.shareOfTopic("n_tweets") },
      });
    }).not.toThrow();
  });

  it("having on a non-measure; pairs, sumOnce and arithmetic misused", () => {
    expect(() => {
      define.metric(import.meta.url, {
        ...base,
        measures: { posts: e.count() },
        // @ts-expect-error having on a name that is not a measure of the spec
        having: { by: "authors", atLeast: 5 },
      });
      define.metric(import.meta.url, {
        ...base,
        measures: { posts: e.count() },
        // @ts-expect-error having on a dimension: minimum support bounds a measure
        having: { by: "tag", atLeast: 5 },
      });
      define.metric(import.meta.url, {
        ...base,
        measures: { posts: e.count() },
        // @ts-expect-error the bound is a number
        having: { by: "posts", atLeast: "5" },
      });
      // @ts-expect-error sumOnce sums a numeric column
      e.sumOnce("author_username", "author_id");
      // @ts-expect-error sumOnce counts each value of a column of the record once
      e.sumOnce("author_followers", "author");
      // @ts-expect-error plus reads at least two measures
      e.plus("likes");
      // @ts-expect-error times multiplies by a constant
      e.times("likes", "retweets");
      // @ts-expect-error pairs names its two dimensions
      e.pairs(e.explode("hashtags"), "tag_a");
      define.metric(import.meta.url, {
        ...base,
        // @ts-expect-error arithmetic reading a measure the spec does not have
        measures: { likes: e.sum("like_count"), engagement: e.plus("likes", "retweets") },
      });
      define.metric(import.meta.url, {
        ...base,
        // @ts-expect-error a derived measure of a derived one is checked the same way
        measures: { n: e.count(), twice: e.times("n", 2), ratio: e.ratio("twice", "thrice") },
      });
      // a 15-minute bucket is a size
      e.bucket("created_at", "15m");
    }).not.toThrow();
    expectTypeOf(e.pairs(e.explode("hashtags"), "tag_a", "tag_b")).toEqualTypeOf<{
      readonly tag_a: Dimension<"text">;
      readonly tag_b: Dimension<"text">;
    }>();
    expectTypeOf(e.sumOnce("author_followers", "author_id").type).toEqualTypeOf<"bigint">();
    expectTypeOf(e.sumOnce("sentiment_score", "author_id").type).toEqualTypeOf<"double precision">();
  });

  it("a filter literal outside the column's declared values", () => {
    expect(() => {
      // @ts-expect-error "retweet" is not a ref_type (retweeted, quoted, replied_to)
      e.equals("ref_type", "retweet");
      // @ts-expect-error differsFrom is checked the same way
      e.differsFrom("ref_type", "retweet");
      // @ts-expect-error and so is every value of in
      e.in("ref_type", ["quoted", "reply"]);
      // a column without declared values takes any string
      e.equals("lang", "tlh");
    }).not.toThrow();
    expectTypeOf(e.equals<"ref_type">)
      .parameter(1)
      .toEqualTypeOf<"retweeted" | "quoted" | "replied_to">();
  });

  it("types sum, min and max from their column", () => {
    expectTypeOf(e.sum("like_count")).toEqualTypeOf<Measure<"bigint">>();
    expectTypeOf(e.sum("sentiment_score")).toEqualTypeOf<Measure<"double precision">>();
    expectTypeOf(e.max("author_followers")).toEqualTypeOf<Measure<"bigint">>();
    expect(e.sum("like_count").type).toBe("bigint");
    expect(e.sum("sentiment_score").type).toBe("double precision");
    expect(e.min("sentiment_magnitude")).toMatchObject({ type: "double precision", nullable: true });
  });
});

const job = (...metrics: GeneralMetricSpec[]) => ({ ...windowJob, metrics: [sentimentWindow, ...metrics] });
function failure(m: GeneralMetricSpec): string {
  try {
    assertValidJob(job(m));
  } catch (err) {
    if (isTrendsError(err)) return err.message;
    throw err;
  }
  throw new Error("expected a validation error");
}

describe("metric kind: validation (one line naming the file and field)", () => {
  it("rejects a top N out of range", () => {
    expect(failure({ ...hashtagWindow, rank: { top: 0, by: "count" } })).toBe(
      "sparkgen/specs/hashtag-window.ts: rank.top is 0",
    );
  });

  it("rejects a regex that does not compile", () => {
    const m = define.metric(import.meta.url, {
      ...base,
      where: e.or(e.matches("text", "(unclosed"), e.in("lang", ["en", "fr"])),
      measures: { n: e.count() },
    });
    expect(failure(m)).toBe(
      'sparkgen/spec/metric-kind.test.ts: where matches "(unclosed", which is not a regular expression',
    );
  });

  it("rejects a bucket that does not divide the window and a name used twice", () => {
    const m = define.metric(import.meta.url, {
      name: "m",
      description: "d",
      dimensions: { n: e.bucket("created_at", "5m") },
      measures: { n: e.count() },
    });
    expect(() => assertValidJob({ ...job(m), windowMinutes: 4 })).toThrow(
      "sparkgen/spec/metric-kind.test.ts: dimensions.n buckets of 5 minutes do not divide the 4-minute window of sparkgen/specs/window-job.ts (and 1 more problem)",
    );
    expect(failure(m)).toBe(
      "sparkgen/spec/metric-kind.test.ts: measures.n has the same name as dimensions.n",
    );
  });

  it("rejects a measure named like another's roll-up part", () => {
    const m = define.metric(import.meta.url, {
      name: "m",
      description: "d",
      dimensions: { lang: e.column("lang") },
      measures: { mean: e.avg("sentiment_score"), mean_num: e.count() },
    });
    expect(failure(m)).toBe(
      'sparkgen/spec/metric-kind.test.ts: measures.mean stores its roll-up in "mean_num", the name of measures.mean_num',
    );
  });

  it("rejects a filter literal outside the column's values, naming them (specs checked without tsc)", () => {
    const untyped = e as unknown as { equals: (c: string, v: string) => ReturnType<typeof e.isNull> };
    const m = define.metric(import.meta.url, {
      ...base,
      where: e.not(untyped.equals("ref_type", "retweet")),
      measures: { n: e.count() },
    });
    expect(failure(m)).toBe(
      'sparkgen/spec/metric-kind.test.ts: where compares ref_type with "retweet", which is not one of its values ("retweeted", "quoted", "replied_to")',
    );
    const inList = e.in as (c: string, v: string[]) => ReturnType<typeof e.isNull>;
    const n = define.metric(import.meta.url, {
      ...base,
      measures: { n: e.countIf(inList("ref_type", ["quoted", "reply"])) },
    });
    expect(failure(n)).toBe(
      'sparkgen/spec/metric-kind.test.ts: measures.n compares ref_type with "reply", which is not one of its values ("retweeted", "quoted", "replied_to")',
    );
  });

  it("rejects a side of pairs without its partner, a pair of one dimension, pairs of a scalar or of tokens", () => {
    const pair = e.pairs(e.explode("hashtags"), "tag_a", "tag_b");
    const m = (dimensions: GeneralMetricSpec["dimensions"]) =>
      define.metric(import.meta.url, { name: "m", description: "d", dimensions, measures: { n: e.count() } });
    expect(failure(m({ tag_a: pair.tag_a }))).toBe(
      'sparkgen/spec/metric-kind.test.ts: dimensions.tag_a is one side of a pair without the other ("tag_b")',
    );
    expect(failure(m({ first: pair.tag_a, tag_b: pair.tag_b }))).toBe(
      'sparkgen/spec/metric-kind.test.ts: dimensions.first is a side of pairs named "tag_a" and "tag_b" (and 1 more problem)',
    );
    const other = e.pairs(e.explode("mentions"), "tag_a", "tag_b");
    expect(failure(m({ tag_a: pair.tag_a, tag_b: other.tag_b }))).toBe(
      'sparkgen/spec/metric-kind.test.ts: dimensions.tag_a is paired with "tag_b", which is not the other side of the same pairs() (and 1 more problem)',
    );
    expect(failure(m(e.pairs(e.explode("hashtags"), "tag", "tag")))).toBe(
      'sparkgen/spec/metric-kind.test.ts: dimensions.tag pairs a dimension with itself ("tag")',
    );
    expect(failure(m(e.pairs(e.column("lang"), "a", "b")))).toBe(
      "sparkgen/spec/metric-kind.test.ts: dimensions.a is pairs() of a dimension that is not exploded (and 1 more problem)",
    );
    expect(failure(m(e.pairs(e.tokens("text", { tokenChars: "\\p{L}" }), "a", "b")))).toBe(
      "sparkgen/spec/metric-kind.test.ts: dimensions.a is pairs() of tokens (every occurrence counts: pair an exploded array or matches) (and 1 more problem)",
    );
  });

  it("rejects having on a name that is not a measure (specs checked without tsc), and a bound that is not a number", () => {
    const spec = define.metric(import.meta.url, { ...base, measures: { n: e.count() } });
    const untyped = (having: unknown) => ({ ...spec, having }) as GeneralMetricSpec;
    expect(failure(untyped({ by: "tag", atLeast: 5 }))).toBe(
      'sparkgen/spec/metric-kind.test.ts: having.by "tag" is not a measure of the spec',
    );
    expect(failure(untyped({ by: "n", atLeast: Number.NaN }))).toBe(
      "sparkgen/spec/metric-kind.test.ts: having.atLeast is NaN",
    );
  });

  it("rejects a cycle of derived measures, a share of the topic of a derived or once-per-entity measure", () => {
    const m = define.metric(import.meta.url, {
      ...base,
      measures: { n: e.count(), a: e.plus("n", "b"), b: e.minus("a", "n") },
    });
    expect(failure(m)).toBe(
      "sparkgen/spec/metric-kind.test.ts: measures.a reads itself (a → b → a) (and 1 more problem)",
    );
    const shares = define.metric(import.meta.url, {
      ...base,
      measures: {
        n: e.count(),
        twice: e.times("n", 2),
        reach: e.sumOnce("author_followers", "author_id"),
        of_twice: e.shareOfTopic("twice"),
        of_reach: e.shareOfTopic("reach"),
      },
    });
    expect(() => assertValidJob(job(shares))).toThrow(
      'sparkgen/spec/metric-kind.test.ts: measures.of_twice reads "twice", which is itself derived (and 1 more problem)',
    );
    const reach = define.metric(import.meta.url, {
      ...shares,
      measures: { ...shares.measures, of_twice: e.count() },
    });
    expect(failure(reach)).toBe(
      'sparkgen/spec/metric-kind.test.ts: measures.of_reach reads "reach", a sum over distinct entities',
    );
    const inf = define.metric(import.meta.url, {
      ...base,
      measures: { n: e.count(), x: e.times("n", Infinity) },
    });
    expect(failure(inf)).toBe("sparkgen/spec/metric-kind.test.ts: measures.x multiplies by Infinity");
  });

  it("rejects a 15-minute bucket in a window it does not divide", () => {
    const m = define.metric(import.meta.url, {
      name: "m",
      description: "d",
      dimensions: { quarter: e.bucket("created_at", "15m") },
      measures: { n: e.count() },
    });
    expect(() => assertValidJob(job(m))).not.toThrow();
    expect(() => assertValidJob({ ...job(m), windowMinutes: 10 })).toThrow(
      "dimensions.quarter buckets of 15 minutes do not divide the 10-minute window",
    );
  });

  it("rejects key-column names", () => {
    const m = define.metric(import.meta.url, { ...base, measures: { rank: e.count() } });
    expect(failure(m)).toBe(
      'sparkgen/spec/metric-kind.test.ts: measures.rank "rank" is a key column of every result (or the rank)',
    );
  });
});

describe("metric kind: compiled", () => {
  it("prints the predicates of the language", () => {
    const p = e.and(
      e.or(e.in("lang", ["en", "es"]), e.isNull("lang")),
      e.not(e.matches("text", "(?i)^rt @")),
      e.between("sentiment_score", -0.25, 0.25),
      e.compare("like_count", ">", 3),
      e.compare("created_at", "<", "2026-11-28T10:05:00Z"),
      e.equals("author_username", "a'b"),
    );
    expect(printExpression(p.node)).toBe(
      "(lang IN ('en', 'es') OR lang IS NULL) AND NOT (text RLIKE '(?i)^rt @') AND sentiment_score >= -0.25D AND sentiment_score <= 0.25D AND like_count > 3 AND created_at < '2026-11-28T10:05:00Z' AND author_username = 'a\\'b'",
    );
  });

  it("keys, columns and shapes", () => {
    expect(primaryKey(hashtagWindow)).toEqual(["window_start", "topic", "tag"]);
    expect(outputColumns(volumeMinute).map((c) => `${c.name} ${c.type}${c.nullable ? " null" : ""}`)).toEqual(
      [
        "window_start timestamptz",
        "window_end timestamptz",
        "topic text",
        "minute timestamptz",
        "n_tweets bigint",
        "n_scored bigint",
        "avg_score double precision null",
        // The mean's roll-up parts: Σ score and the scored count.
        "avg_score_num double precision null",
        "avg_score_den bigint null",
      ],
    );
    expect(
      outputColumns(domainWindow)
        .map((c) => c.name)
        .slice(3),
    ).toEqual(["domain", "count", "authors", "rank"]);
    expect(metricShape(hashtagWindow)).toEqual({ kind: "ranked", label: "tag", by: "count" });
    expect(metricShape(volumeMinute)).toEqual({ kind: "series", time: "minute", value: "n_tweets" });
    expect(metricShape(languageWindow)).toEqual({ kind: "row" });
    expect(metricShape(shareOfVoiceWindow)).toEqual({ kind: "row" });
  });

  it("every measure kind states its roll-up over windows, and the table stores what it needs", () => {
    const m = define.metric(import.meta.url, {
      name: "rollups",
      description: "d",
      dimensions: { lang: e.column("lang") },
      measures: {
        n: e.count(),
        hits: e.countIf(e.atLeast("like_count", 1)),
        likes: e.sum("like_count"),
        mean: e.avg("sentiment_score"),
        least: e.min("like_count"),
        most: e.max("like_count"),
        pos: e.share(e.atLeast("sentiment_score", 0.25)),
        per_post: e.ratio("likes", "n"),
        of_topic: e.shareOfTopic("n"),
        of_all: e.shareOfAll("n"),
        of_tracked: e.shareOfTracked("n"),
        authors: e.countDistinct("author_id"),
        per_author: e.ratio("likes", "authors"),
        mix: e.score({ likes: 0.5, n: 0.5 }),
      },
    });
    const rollups = Object.fromEntries(
      outputColumns(m).flatMap((c) => (c.rollup ? [[c.name, c.rollup]] : [])),
    );
    const none = expect.objectContaining({ kind: "none" });
    expect(rollups).toEqual({
      n: { kind: "sum" },
      hits: { kind: "sum" },
      likes: { kind: "sum" },
      mean: { kind: "ratio", num: "mean_num", den: "mean_den", per: "row" },
      least: { kind: "min" },
      most: { kind: "max" },
      pos: { kind: "ratio", num: "pos_num", den: "pos_den", per: "row" },
      per_post: { kind: "ratio", num: "likes", den: "n", per: "row" },
      of_topic: { kind: "ratio", num: "n", den: "of_topic_den", per: "topic" },
      of_all: { kind: "ratio", num: "n", den: "of_all_den", per: "dimensions" },
      of_tracked: { kind: "ratio", num: "n", den: "of_tracked_den", per: "dimensions" },
      authors: none,
      per_author: none,
      mix: none,
    });
    expect(
      outputColumns(m)
        .filter((c) => /_(num|den)$/.test(c.name))
        .map((c) => `${c.name} ${c.type}`),
    ).toEqual([
      "mean_num double precision",
      "mean_den bigint",
      "pos_num bigint",
      "pos_den bigint",
      "of_topic_den bigint",
      "of_all_den bigint",
      "of_tracked_den bigint",
    ]);
  });

  it("arithmetic states its roll-up: additive over additive measures, else re-derived from its parts", () => {
    const m = define.metric(import.meta.url, {
      name: "arithmetic",
      description: "d",
      dimensions: { lang: e.column("lang") },
      measures: {
        n: e.count(),
        likes: e.sum("like_count"),
        mean: e.avg("sentiment_score"),
        most: e.max("like_count"),
        pos: e.share(e.atLeast("sentiment_score", 0.25)),
        authors: e.countDistinct("author_id"),
        reach: e.sumOnce("author_followers", "author_id"),
        engagement: e.plus("likes", "n"),
        doubled: e.times("likes", 2),
        halved: e.times("likes", 0.5),
        net: e.minus("pos", "mean"),
        spread: e.minus("most", "n"),
        net_points: e.times("net", 100),
        per_post: e.ratio("engagement", "n"),
        mean_per_most: e.ratio("mean", "most"),
        per_author: e.minus("n", "authors"),
        of_engagement: e.shareOfAll("engagement"),
        of_net: e.shareOfTracked("net"),
      },
    });
    const cols = outputColumns(m);
    const rollups = Object.fromEntries(cols.flatMap((c) => (c.rollup ? [[c.name, c.rollup]] : [])));
    const none = expect.objectContaining({ kind: "none" });
    expect(rollups).toMatchObject({
      reach: {
        kind: "none",
        why: "each entity counts once per window: one seen in two windows would count twice",
      },
      engagement: { kind: "sum" },
      doubled: { kind: "sum" },
      halved: { kind: "sum" },
      net: { kind: "derived", op: "-", args: ["pos", "mean"] },
      spread: { kind: "derived", op: "-", args: ["most", "n"] },
      net_points: { kind: "derived", op: "*", args: ["net", 100] },
      per_post: { kind: "ratio", num: "engagement", den: "n", per: "row" },
      mean_per_most: { kind: "derived", op: "/", args: ["mean", "most"] },
      per_author: none,
      of_engagement: { kind: "ratio", num: "engagement", den: "of_engagement_den", per: "dimensions" },
      of_net: none,
    });
    // typed from the measures they read: integers stay integers, a nullable part makes it nullable
    const typed = Object.fromEntries(cols.map((c) => [c.name, `${c.type}${c.nullable ? " null" : ""}`]));
    expect(typed).toMatchObject({
      reach: "bigint",
      engagement: "bigint",
      doubled: "bigint",
      halved: "double precision",
      net: "double precision null",
      spread: "bigint null",
      net_points: "double precision null",
      of_engagement_den: "bigint null",
    });
    // arithmetic is no share: no 0…1 bound
    expect(cols.find((c) => c.name === "net")).not.toHaveProperty("max");
    expect(cols.find((c) => c.name === "of_engagement")).toMatchObject({ min: 0, max: 1 });
  });

  it("pairs, sumOnce, derived of derived and having print as their own stages", () => {
    const m = define.metric(import.meta.url, {
      name: "pairs_of_tags",
      description: "d",
      where: e.differsFrom("ref_type", "retweeted"),
      dimensions: e.pairs(e.explode("hashtags"), "tag_a", "tag_b"),
      measures: {
        posts: e.count(),
        reach: e.sumOnce("author_followers", "author_id"),
        likes: e.sum("like_count"),
        retweets: e.sum("retweet_count"),
        engagement: e.plus("likes", "retweets"),
        per_post: e.ratio("engagement", "posts"),
      },
      having: { by: "posts", atLeast: 5 },
      rank: { top: 10, by: "per_post" },
    });
    const q = lower(compileMetric(m, windowJob));
    expect(q.ctes.map((c) => c.name)).toEqual([
      "dimension_rows",
      "once_rows",
      "grouped",
      "measured",
      "measured_2",
      "supported",
      "ranked",
    ]);
    const text = printSparkSql(q);
    // the pair: the distinct elements exploded twice, one order kept (no (a, a), no (b, a))
    expect(text).toContain(
      "LATERAL VIEW explode(array_distinct(filter(hashtags, x -> x IS NOT NULL))) d0 AS dim_tag_a\n  LATERAL VIEW explode(array_distinct(filter(hashtags, x -> x IS NOT NULL))) d1 AS dim_tag_b",
    );
    expect(text).toContain("WHERE (ref_type IS NULL OR ref_type <> 'retweeted') AND dim_tag_a < dim_tag_b");
    // each author once per group, with its largest followers
    expect(text).toContain(
      "WHEN d.author_id IS NOT NULL AND row_number() OVER (PARTITION BY d.window_start, d.window_end, d.topic, d.dim_tag_a, d.dim_tag_b, d.author_id ORDER BY d.author_followers DESC) = 1 THEN d.author_followers\n    END AS author_followers_once_per_author_id",
    );
    expect(text).toContain("coalesce(sum(author_followers_once_per_author_id), 0) AS reach");
    expect(text).toContain("g.likes + g.retweets AS engagement\n  FROM grouped AS g");
    expect(text).toContain("g.engagement / nullif(g.posts, 0) AS per_post\n  FROM measured AS g");
    expect(text).toContain("  FROM measured_2\n  WHERE posts >= 5\n),");
    expect(text).toContain("ORDER BY per_post DESC, tag_a, tag_b) AS `rank`\n  FROM supported");
    expect(primaryKey(m)).toEqual(["window_start", "topic", "tag_a", "tag_b"]);
    expect(metricShape(m)).toEqual({ kind: "ranked", label: "tag_a", by: "per_post" });
  });

  it("a 15-minute bucket is the quarter hour's start; sumOnce without dimensions partitions by topic", () => {
    const m = define.metric(import.meta.url, {
      name: "quarter_reach",
      description: "d",
      dimensions: { quarter: e.bucket("created_at", "15m") },
      measures: { reach: e.sumOnce("author_followers", "author_id") },
    });
    const text = printSparkSql(lower(compileMetric(m, windowJob)));
    expect(text).toContain("timestamp_seconds(floor(unix_seconds(created_at) / 900) * 900) AS dim_quarter");
    const topic = define.metric(import.meta.url, { ...m, dimensions: {} });
    const q = lower(compileMetric(topic, windowJob));
    expect(q.ctes.map((c) => c.name)).toEqual(["event_topics", "once_rows", "grouped"]);
    expect(printSparkSql(q)).toContain(
      "row_number() OVER (PARTITION BY d.window_start, d.window_end, d.topic, d.author_id ORDER BY d.author_followers DESC)",
    );
  });

  it("a general metric prints with each measure kind", () => {
    const m = define.metric(import.meta.url, {
      name: "everything",
      description: "d",
      where: e.differsFrom("ref_type", "retweeted"),
      dimensions: { who: e.lower("author_username"), site: e.hostOf(e.explode("urls")) },
      measures: {
        n: e.count(),
        liked: e.countIf(e.atLeast("like_count", 1)),
        likes: e.sum("like_count"),
        mean: e.avg("sentiment_score"),
        low: e.min("sentiment_score"),
        high: e.max("retweet_count"),
        pos: e.share(e.atLeast("sentiment_score", 0.25)),
        per: e.ratio("likes", "n"),
        of_topic: e.shareOfTopic("n"),
      },
      rank: { top: 5, by: "likes" },
    });
    const text = printSparkSql(lower(compileMetric(m, windowJob)));
    expect(text).toContain("lower(author_username) AS dim_who");
    expect(text).toContain("coalesce(sum(like_count), 0) AS likes");
    expect(text).toContain("min(sentiment_score) AS low");
    expect(text).toContain("g.likes / nullif(g.n, 0) AS per");
    expect(text).toContain("g.n / nullif(t.n, 0) AS of_topic");
    expect(text).toContain("ORDER BY likes DESC, who, site) AS `rank`");
  });

  it("matchesOf explodes each distinct regex match of a text column, the pattern a SQL literal", () => {
    const m = define.metric(import.meta.url, {
      name: "digits",
      description: "d",
      dimensions: { run: e.matchesOf("text", "\\d+") },
      measures: { n: e.count() },
    });
    const text = printSparkSql(lower(compileMetric(m, windowJob)));
    expect(text).toContain(
      "explode(array_distinct(filter(regexp_extract_all(text, '\\\\d+', 0), x -> x IS NOT NULL))) d0 AS dim_run",
    );
  });

  it("score is the influencer score's normalise-and-weight operator, over any measures", () => {
    const m = define.metric(import.meta.url, {
      name: "domain_reach",
      description: "d",
      dimensions: { domain: e.hostOf(e.explode("urls")) },
      measures: {
        links: e.count(),
        retweets: e.sum("retweet_count"),
        reach: e.score({ links: 0.4, retweets: 0.6 }),
      },
      rank: { top: 10, by: "reach" },
    });
    const text = printSparkSql(lower(compileMetric(m, windowJob)));
    // The same lowering as influencer_window's score (docs/contracts.md "Influencers"), per window
    // and topic, each maximum computed once (transforms/hoist-maxima).
    const key = "g.window_start, g.window_end, g.topic";
    for (const x of ["links", "retweets"])
      expect(text).toContain(`max(g.${x}) OVER (PARTITION BY ${key}) AS max_${x}`);
    expect(text).toContain("FROM measured_maxima AS g");
    const c = (x: string) => `CASE WHEN g.max_${x} = 0 THEN 0 ELSE ln(1 + g.${x}) / ln(1 + g.max_${x}) END`;
    // a long sum: one term per line
    expect(text).toContain(`0.4D * ${c("links")}\n      + 0.6D * ${c("retweets")} AS reach`);
    const reach = outputColumns(m).find((col) => col.name === "reach");
    expect(reach).toMatchObject({ type: "double precision", min: 0, max: 1 });
    const bad = define.metric(import.meta.url, {
      ...m,
      measures: { ...m.measures, reach: e.score({ links: 0.5, retweets: 0.6 }) },
    });
    expect(() => assertValidJob({ ...windowJob, metrics: [bad] })).toThrow(
      "measures.reach has weights summing to 1.1, not 1",
    );
  });

  it("tokens and without: every occurrence, trimmed once and filtered per token, stop words anti-joined", () => {
    const m = define.metric(import.meta.url, {
      name: "long_words",
      description: "d",
      dimensions: {
        word: e.without(e.tokens(e.lower("text"), { tokenChars: "\\p{L}", trimChars: "'", minLength: 6 }), [
          "really",
        ]),
      },
      measures: { n: e.count() },
    });
    const text = printSparkSql(lower(compileMetric(m, windowJob)));
    // each token trimmed once, inside the exploded array; the keep condition reads the trimmed token
    expect(text).toContain(
      "LATERAL VIEW explode(transform(split(lower(text), '[^\\\\p{L}]+'), x -> regexp_replace(x, '^[\\']+|[\\']+$', ''))) d0 AS element_word",
    );
    expect(text).toContain("WHERE length(d0.element_word) >= 6");
    expect(text).toContain("LEFT ANTI JOIN word_left_out AS x0 ON x0.value = d.dim_word");
    expect(text).not.toContain("array_distinct(filter(split");
  });

  it("referenceDepth joins the step loop's depths to each record; one depth per metric", () => {
    const m = define.metric(import.meta.url, {
      name: "thread_depth",
      description: "d",
      dimensions: { author: e.column("author_id") },
      measures: { depth: e.referenceDepth("id", "ref_id", 3) },
    });
    const text = printSparkSql(lower(compileMetric(m, windowJob)));
    const loop = compileJob({ ...windowJob, metrics: [m] }).metrics[0]!.referenceDepth!;
    expect([loop.view, loop.cap]).toEqual(["tweet_depth", 3]);
    expect(printSparkSql(lower(loop.edges))).toContain(
      "SELECT DISTINCT\n  window_start,\n  window_end,\n  topic,\n  id,\n  ref_id\nFROM event_topics\nWHERE ref_id IS NOT NULL",
    );
    expect(text).toContain("Reads the temp views events, window_params and tweet_depth.");
    expect(text).toContain(
      [
        "LEFT JOIN tweet_depth AS rd",
        "    ON rd.window_start = e.window_start",
        "      AND rd.window_end = e.window_end",
        "      AND rd.topic = e.topic",
        "      AND rd.tweet_id = e.id",
      ].join("\n"),
    );
    expect(text).toContain("max(reference_depth) AS depth");
    const two = define.metric(import.meta.url, {
      ...m,
      measures: { depth: e.referenceDepth("id", "ref_id", 3), deeper: e.referenceDepth("id", "ref_id", 20) },
    });
    expect(() => assertValidJob({ ...windowJob, metrics: [two] })).toThrow(
      "measures.deeper has a depth cap of 20 (and 1 more problem)",
    );
  });
});
