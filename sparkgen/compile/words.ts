import { type ExpressionNode, QueryNode as Q, type QueryNode, sql } from "../ast/index.ts";
import type { JobSpec, WordSpec } from "../spec/kinds.ts";
import { eventTopics, header, VIEWS, windowColumns, withParams } from "./common.ts";

/** docs/contracts.md "Words": lower-case, drop URLs and mentions, split, trim, filter, count, rank. */
export function compileWords(spec: WordSpec, job: JobSpec): QueryNode {
  const cleaned = spec.drop.reduce<ExpressionNode>(
    (text, pattern) => sql.fn("regexp_replace", text, sql.lit(pattern), sql.lit(" ")),
    sql.fn("lower", spec.text),
  );
  const texts = sql.cte(
    "word_texts",
    "lower-cased text of the contributing records, URLs and @mentions removed",
    sql.select(["topic", sql.as(cleaned, "cleaned")], {
      from: sql.table("event_topics"),
      where: spec.include.node,
    }),
  );
  const trim = `^[${spec.trimChars}]+|[${spec.trimChars}]+$`;
  const tokens = sql.cte(
    "tokens",
    `tokens: split on anything that is not [${spec.tokenChars}], ${spec.trimChars} trimmed from both ends`,
    sql.select(["w.topic", sql.as(sql.fn("regexp_replace", "s.token", sql.lit(trim), sql.lit("")), "word")], {
      from: sql.table("word_texts", "w"),
      lateralViews: [
        sql.lateralView(
          sql.fn("explode", sql.fn("split", "w.cleaned", sql.lit(`[^${spec.tokenChars}]+`))),
          "s",
          ["token"],
        ),
      ],
    }),
  );
  const counted = spec.notCounted
    ? sql.fn("regexp_replace", "word", sql.lit(`[${spec.notCounted}]`), sql.lit(""))
    : sql.col("word");
  const keep = [
    sql.op(sql.fn("length", counted), ">=", spec.minLength),
    ...(spec.dropNumbers ? [sql.not(sql.op("word", "RLIKE", sql.lit("^\\p{Nd}+$")))] : []),
  ];
  const words = sql.cte(
    "candidate_words",
    `tokens of ${spec.minLength}+ characters${spec.notCounted ? ` (not counting ${spec.notCounted})` : ""}${spec.dropNumbers ? " that are not all digits" : ""}`,
    sql.select(["topic", "word"], { from: sql.table("tokens"), where: sql.and(...keep) }),
  );
  const stop = sql.cte(
    "stop_words",
    `the spec's stop-word list (${spec.stopWords.length} words)`,
    sql.select([
      sql.as(sql.fn("explode", sql.fn("array", ...spec.stopWords.map((w) => sql.lit(w)))), "word"),
    ]),
  );
  const counts = sql.cte(
    "word_counts",
    "occurrences of each word that is not a stop word",
    sql.select(["c.topic", "c.word", sql.as(sql.count(), "count")], {
      from: sql.table("candidate_words", "c"),
      joins: [sql.join("LEFT ANTI", sql.table("stop_words", "s"), sql.eq("s.word", "c.word"))],
      groupBy: [sql.col("topic", "c"), sql.col("word", "c")],
    }),
  );
  const ranked = sql.cte(
    "ranked_words",
    "rank by count, then word",
    sql.select(
      [
        sql.star(),
        sql.as(sql.over(sql.fn("row_number"), ["topic"], [sql.desc("count"), sql.asc("word")]), "rank"),
      ],
      { from: sql.table("word_counts") },
    ),
  );
  const body = sql.select(
    [...windowColumns(), ...["topic", "word", "count", "rank"].map((n) => sql.as(`r.${n}`, n))],
    {
      from: sql.table("ranked_words", "r"),
      joins: [withParams()],
      where: sql.op("r.rank", "<=", spec.topN),
    },
  );
  return Q.create(
    header(spec.source, spec.name, spec.description, `${VIEWS.events} and ${VIEWS.params}`),
    [eventTopics(job), texts, tokens, words, stop, counts, ranked],
    body,
  );
}
