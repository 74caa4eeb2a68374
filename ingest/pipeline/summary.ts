import type { IngestSummary } from "./pipeline.ts";

const mb = (n: number): string => `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)} MB`;

/** The human summary `trends ingest` prints at the end (`--json` prints the object instead). */
export function formatSummary(s: IngestSummary): string {
  const k = s.sinkStats;
  const why = { end: "the source ended", "max-events": "--max-events reached", signal: "interrupted" }[
    s.stoppedBy
  ];
  const bad = Object.entries(s.badReasons)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([reason, n]) => `${n} × ${reason}`)
    .join(", ");
  const counted = Object.entries(s.sourceStats ?? {})
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${what} ${n}`)
    .join(", ");
  const ratio = k.bytesSent > 0 ? (k.billedBytes / k.bytesSent).toFixed(3) : "–";
  return [
    `ingested ${s.events} events from ${s.source} in ${s.seconds.toFixed(1)} s (${s.eventsPerSecond}/s); stopped: ${why}`,
    `  bad messages skipped: ${s.badMessages}${bad ? ` (${bad})` : ""}`,
    ...(counted ? [`  source ${s.source}: ${counted}`] : []),
    ...(s.skipped > 0 ? [`  not events (no topic matched, deletes, identity): ${s.skipped}`] : []),
    ...(s.entitiesCut > 0 ? [`  entities over the per-record caps, not kept: ${s.entitiesCut}`] : []),
    `  sentiment ${s.sentiment}: ${s.scored} scored, ${s.unscored} unscored${s.unscoredLanguage > 0 ? ` (${s.unscoredLanguage} not in a language it scores)` : ""}`,
    `  sink ${s.sink}: ${k.linesDelivered} lines delivered in ${k.records} records / ${k.calls} calls, ${mb(k.bytesSent)} sent, ${mb(k.billedBytes)} billed (×${ratio})`,
    `  retries ${k.retries}, throttled ${k.throttled}, spooled ${k.linesSpooled} (replayed ${k.linesReplayed}), rejected ${k.linesRejected}`,
  ].join("\n");
}
