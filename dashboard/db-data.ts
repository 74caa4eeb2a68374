import { type Kysely, sql } from "kysely";
import type { Database } from "../sql/index.ts";
import type { DashboardData } from "./data.ts";
import {
  alertsInRange,
  sentimentTimeline,
  topInfluencers,
  topicSummaries,
  wordCloud,
} from "./queries-extra.ts";

/** `DashboardData` over the results database. `close()` destroys the pool. */
export function dataFromDb(db: Kysely<Database>): DashboardData {
  return {
    health: async () => {
      await sql`select 1`.execute(db);
    },
    topics: () => topicSummaries(db),
    sentiment: (q) => sentimentTimeline(db, q),
    influencers: (q) => topInfluencers(db, q),
    words: (q) => wordCloud(db, q),
    alerts: (q) => alertsInRange(db, q),
    close: () => db.destroy(),
  };
}
