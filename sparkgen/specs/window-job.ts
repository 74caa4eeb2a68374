import { define } from "../spec/define.ts";

/**
 * The step run once per closed window (docs/contracts.md "Windows"). Its metrics are every spec
 * module beside this one that is not a draft, each after what it reads (`sparkgen/load`).
 */
export const windowJob = define.job(import.meta.url, {
  name: "window_job",
  description: "every metric of one window, written atomically to PostgreSQL",
  windowMinutes: 15,
  eventTime: "created_at",
  dedup: { key: "id", latest: "ingested_at", ties: ["retweet_count", "like_count", "author_followers"] },
  topics: { all: "*", column: "rules" },
});
