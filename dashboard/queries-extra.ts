import { type Kysely, sql } from "kysely";
import type { Database } from "../sql/index.ts";
import type { TopicSummary } from "./data.ts";

/**
 * The one read the dashboard needs that sql/ does not offer (yet): the topics that have results,
 * for the topic selector. `*` (all tweets) first, then by name. Belongs in sql/queries; move it
 * there when the sql stage adds a topics query.
 */
const iso = (d: Date): string => d.toISOString();

export async function topicSummaries(db: Kysely<Database>): Promise<TopicSummary[]> {
  const rows = await db
    .selectFrom("sentiment_window")
    .select((eb) => [
      "topic",
      eb.fn.countAll<number>().as("windows"),
      eb.fn.min("window_start").as("first_window"),
      eb.fn.max("window_end").as("last_window_end"),
    ])
    .groupBy("topic")
    .orderBy(sql`topic = '*'`, "desc")
    // C collation: the same order whatever the server's locale (as sql/queries does for words).
    .orderBy(sql`topic collate "C"`)
    .execute();
  return rows.map((r) => ({
    topic: r.topic,
    windows: Number(r.windows),
    first_window: iso(r.first_window),
    last_window_end: iso(r.last_window_end),
  }));
}
