/**
 * The dashboard stage: `trends serve` — a read-only JSON API over the result tables and the page
 * that shows it. Other stages import only this file.
 */
export type {
  AlertInfo,
  AlertRow,
  DashboardData,
  InfluencerRow,
  SentimentPoint,
  TopicSummary,
  WordRow,
} from "./data.ts";
export { dataFromDb } from "./db-data.ts";
export { parseRangeQuery, type RangeQuery } from "./params.ts";
export { type ServeOptions, serveUntilStopped } from "./run.ts";
export { type DashboardOptions, type DashboardServer, startDashboard } from "./server.ts";
export { resolveToken, type TokenSources } from "./token.ts";
