export {
  type AlertsQuery,
  type AnyAlertRow,
  type AnyAlertsQuery,
  allAlerts,
  sentimentAlerts,
} from "./alerts.ts";
export { type InfluencerRanking, topInfluencers, topInfluencersQuery } from "./influencers.ts";
export {
  type LiveAlertRow,
  type LiveAlertState,
  liveAlerts,
  type ProvisionalRow,
  provisionalRows,
} from "./live.ts";
export {
  METRIC_CATALOG,
  type MetricCatalog,
  type MetricName,
  type MetricQuery,
  type MetricResult,
  type MetricShape,
  type MetricTableInfo,
  metricInfo,
  metricRows,
  READ_BY,
  type ReadBy,
  readBy,
  readMetric,
} from "./metric.ts";
export { ALL_TWEETS, MAX_LIMIT, type RangeQuery } from "./range.ts";
export { pipelineRuns, type RunRow, type RunsQuery } from "./runs.ts";
export { type SentimentPoint, sentimentTimeline } from "./sentiment.ts";
export { listTopics, type TopicSummary } from "./topics.ts";
export { topWords, type WordCount } from "./words.ts";
