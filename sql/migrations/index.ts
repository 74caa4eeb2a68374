import type { Migration } from "kysely";
import { resultTables } from "./0001_result_tables.ts";
import { queryIndexes } from "./0002_query_indexes.ts";
import { VIEW_NAMES as BI_VIEWS, biViews } from "./0003_bi_views.ts";
import { influencerIndexTweets } from "./0004_influencer_index_tweets.ts";
import { runnerEmrServerless } from "./0005_runner_emr_serverless.ts";
import { runSqlHashes } from "./0008_run_sql_hashes.ts";
import { ALERT_VIEWS, alerts } from "./0009_alerts.ts";
import { LIVE_TABLES, liveWindows } from "./0016_live_windows.ts";
import { GENERATED_MIGRATIONS } from "./generated/index.ts";

/** Every view the migrations create (granted to the read-only role). */
export const VIEW_NAMES: readonly string[] = [...BI_VIEWS, ...ALERT_VIEWS];

/** The live-window tables (hand-written: not result tables), readable by the read-only role. */
export { LIVE_TABLES };

/**
 * Every migration, by name (applied in name order). A static list rather than Kysely's
 * FileMigrationProvider: no directory scan at run time, so migrate works from any cwd and from a
 * bundled CLI. Never edit an applied migration; add the next number. Result-table changes are not
 * written here: `trends sparkgen` generates them from the specs (./generated/, sql/README.md).
 */
export const MIGRATIONS: Record<string, Migration> = {
  "0001_result_tables": resultTables,
  "0002_query_indexes": queryIndexes,
  "0003_bi_views": biViews,
  "0004_influencer_index_tweets": influencerIndexTweets,
  "0005_runner_emr_serverless": runnerEmrServerless,
  "0008_run_sql_hashes": runSqlHashes,
  ...GENERATED_MIGRATIONS,
  // The view reads volume_alert, which generated/0007_spec_volume_alert creates.
  "0009_alerts": alerts,
  "0016_live_windows": liveWindows,
};
