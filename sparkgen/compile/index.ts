/** Spec → Spark SQL tree, one compiler per spec kind, and the result columns each one yields. */
import type { QueryNode } from "../ast/index.ts";
import { alertColumns } from "../spec/alert-kind.ts";
import type { ResultType } from "../spec/dsl.ts";
import type { JobSpec, MetricSpec } from "../spec/kinds.ts";
import { compileAggregate } from "./aggregate.ts";
import { alertHistoryView, compileAlert } from "./alert.ts";
import { compileInfluencer } from "./influencer.ts";
import { compileWords } from "./words.ts";

export { VIEWS } from "./common.ts";
export { CORRUPT_COLUMN, compileClassify, compileWindowEvents, TIMESTAMP_PATTERN } from "./events.ts";
export { alertHistoryView };

export function compileMetric(spec: MetricSpec, job: JobSpec): QueryNode {
  switch (spec.kind) {
    case "aggregate":
      return compileAggregate(spec, job);
    case "influencer":
      return compileInfluencer(spec, job);
    case "words":
      return compileWords(spec, job);
    case "alert":
      return compileAlert(spec);
  }
}

/** One column of a result table: what the sql stage's migration and Kysely types must declare. */
export interface OutputColumn {
  readonly name: string;
  readonly type: ResultType;
  readonly nullable: boolean;
}

const column = (name: string, type: ResultType, nullable = false): OutputColumn =>
  Object.freeze({ name, type, nullable });

/** The columns the step writes, in order (the table's `computed_at` defaults to now()). */
export function outputColumns(spec: MetricSpec): readonly OutputColumn[] {
  const key = [
    column("window_start", "timestamptz"),
    column("window_end", "timestamptz"),
    column("topic", "text"),
  ];
  switch (spec.kind) {
    case "aggregate":
      return [...key, ...Object.entries(spec.measures).map(([n, m]) => column(n, m.type, m.nullable))];
    case "influencer":
      return [
        ...key,
        column("author_id", "text"),
        column("username", "text"),
        column("rank", "integer"),
        column("score", "double precision"),
        column("tweets", "bigint"),
        column("retweets", "bigint"),
        column("favourites", "bigint"),
        column("followers", "bigint"),
        column("depth", "integer"),
      ];
    case "words":
      return [...key, column("word", "text"), column("count", "bigint"), column("rank", "integer")];
    case "alert":
      return [
        ...key,
        column("severity", "text"),
        ...alertColumns(spec).map((c) => column(c.name, c.type, c.nullable)),
      ];
  }
}

/** The primary key of each result table (window_start and topic first). */
export function primaryKey(spec: MetricSpec): readonly string[] {
  switch (spec.kind) {
    case "influencer":
      return ["window_start", "topic", "author_id"];
    case "words":
      return ["window_start", "topic", "word"];
    case "aggregate":
    case "alert":
      return ["window_start", "topic"];
  }
}
