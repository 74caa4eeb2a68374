import { type Kysely, sql } from "kysely";
import type { Database } from "../database.ts";
import { ALL_TWEETS } from "./range.ts";

export interface TopicSummary {
  topic: string;
  /** Windows with sentiment results for the topic. */
  windows: number;
  firstWindowStart: Date;
  lastWindowEnd: Date;
}

/**
 * The topics that have results (for topic pickers): `*` first, then by name in C collation.
 * Distinct topics come from a skip scan over sentiment_window_topic_start_idx (a recursive CTE, as
 * PostgreSQL has no loose index scan), so the cost grows with topics, not with a year of windows.
 */
export async function listTopics(db: Kysely<Database>): Promise<TopicSummary[]> {
  const { rows } = await sql<{ topic: string; windows: number; first_start: Date; last_end: Date }>`
    with recursive t(topic) as (
      (select topic from sentiment_window order by topic limit 1)
      union all
      select (select s.topic from sentiment_window s where s.topic > t.topic order by s.topic limit 1)
      from t where t.topic is not null
    )
    select t.topic, x.windows, x.first_start, y.last_end
    from t
    cross join lateral (
      select count(*)::integer as windows, min(window_start) as first_start
      from sentiment_window s where s.topic = t.topic
    ) x
    cross join lateral (
      select window_end as last_end from sentiment_window s
      where s.topic = t.topic order by window_start desc limit 1
    ) y
    where t.topic is not null
    order by t.topic = ${ALL_TWEETS} desc, t.topic collate "C"`.execute(db);
  return rows.map((r) => ({
    topic: r.topic,
    windows: r.windows,
    firstWindowStart: r.first_start,
    lastWindowEnd: r.last_end,
  }));
}
