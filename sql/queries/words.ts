import { type Kysely, sql } from "kysely";
import type { Database } from "../database.ts";
import { checkRange, type RangeQuery } from "./range.ts";

export interface WordCount {
  word: string;
  /** Occurrences summed over the windows of the range in which the word made the window's top list. */
  count: number;
}

/**
 * Word-cloud terms of a topic over a range: top `limit` (default 100) by summed count, then word.
 * `exclude`: words left out before the limit applies (the query's own keywords), so the cloud still
 * gets `limit` words.
 */
export async function topWords(
  db: Kysely<Database>,
  q: RangeQuery & { exclude?: readonly string[] },
): Promise<WordCount[]> {
  const { topic, limit } = checkRange(q, 100);
  const exclude = q.exclude ?? [];
  return (
    db
      .selectFrom("word_window")
      .where("topic", "=", topic)
      .$if(exclude.length > 0, (b) => b.where("word", "not in", exclude))
      .where("window_start", ">=", q.from)
      .where("window_start", "<", q.to)
      .groupBy("word")
      .select(["word", sql<number>`sum(count)::bigint`.as("count")])
      .orderBy(sql`sum(count)`, "desc")
      // C collation: the same order whatever the server's locale.
      .orderBy(sql`word collate "C"`, "asc")
      .limit(limit)
      .execute()
  );
}
