import type { Argv, CommandModule } from "yargs";
import { usageError } from "../../runtime/errors/index.ts";
import { parseDuration, parseTime } from "../../runtime/windows/index.ts";
import { catalogOf, codePoints, compileJob, MAX_TOPIC_LENGTH } from "../../sparkgen/index.ts";
import {
  ALERT_OWN_COLUMNS,
  ALERT_TABLES,
  ALL_TWEETS,
  type AlertDetails,
  type AlertKind,
  allAlerts,
  type LiveAlertRow,
  listTopics,
  liveAlerts,
  MAX_LIMIT,
  METRIC_CATALOG,
  type MetricCatalog,
  type MetricResult,
  metricInfo,
  pipelineRuns,
  provisionalRows,
  READ_BY,
  type ReadBy,
  RUN_STATUSES,
  type RunStatus,
  readBy,
  readMetric,
  sentimentTimeline,
  topInfluencers,
  topWords,
  withResultsDb,
} from "../../sql/index.ts";
import { settingsFrom } from "../context.ts";
import { numberOption } from "../flags.ts";
import { type Column, formatTable, printLines } from "../output.ts";
import { checkedJob, specsOption } from "./specs.ts";

interface RangeArgs {
  topic: string;
  from?: string;
  to?: string;
  since?: string;
  limit?: number;
  json?: boolean;
}

const rangeOptions = <T>(y: Argv<T>) =>
  y
    .option("topic", {
      type: "string",
      default: ALL_TWEETS,
      describe: `rule tag, or ${ALL_TWEETS} for all tweets`,
    })
    .option("from", { type: "string", describe: "first window start, ISO-8601 (e.g. 2026-11-26T00:00:00Z)" })
    .option("to", { type: "string", describe: "end of the range, exclusive (default: now)" })
    .option("since", { type: "string", describe: "range ending at --to: 15m, 24h, 7d (default 24h)" })
    .option("limit", {
      ...numberOption("--limit", { min: 1, max: MAX_LIMIT }),
      describe: "at most this many rows",
    })
    .option("json", { type: "boolean", describe: "print the rows as JSON" });

/** `[from, to)` from --from/--to/--since; windows whose start lies in it are read. */
export function rangeFrom(
  a: { from?: string; to?: string; since?: string },
  now = new Date(),
): { from: Date; to: Date } {
  if (a.since !== undefined && a.from !== undefined) {
    throw usageError("--since and --from cannot be combined", "give either --from (and --to) or --since");
  }
  const to = a.to === undefined ? now : parseTime(a.to, "--to");
  const from =
    a.from === undefined
      ? new Date(to.getTime() - parseDuration(a.since ?? "24h", "--since"))
      : parseTime(a.from, "--from");
  if (from.getTime() >= to.getTime()) {
    throw usageError(
      `--from ${from.toISOString()} is not before --to ${to.toISOString()}`,
      "swap them or widen the range",
    );
  }
  return { from, to };
}

/** The same cap as the API's `topic` and `rules add`: no stored topic is longer. */
function topicOf(topic: string): string {
  if (codePoints(topic) > MAX_TOPIC_LENGTH)
    throw usageError(
      `--topic is longer than ${MAX_TOPIC_LENGTH} characters`,
      "pass a rule tag (`trends query topics` lists them), or * for all tweets",
    );
  return topic;
}

/** The query input of the flags; `limit` undefined means the query's own default. */
const rangeQuery = (a: RangeArgs) => ({
  topic: topicOf(a.topic),
  ...rangeFrom(a),
  ...(a.limit === undefined ? {} : { limit: a.limit }),
});

const time = (d: Date | null): string =>
  d === null ? "-" : `${d.toISOString().slice(0, 16).replace("T", " ")}Z`;
const num = (n: number | null, digits?: number): string =>
  n === null ? "-" : digits === undefined ? String(n) : n.toFixed(digits);

function print<R>(
  rows: readonly R[],
  json: boolean | undefined,
  columns: readonly Column<R>[],
  what: string,
): void {
  if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length === 0) process.stdout.write(`no ${what}\n`);
  else printLines(...formatTable(rows, columns).split("\n"));
}

const influencers: CommandModule<object, RangeArgs> = {
  command: "influencers",
  describe: "top authors of a topic: sum of their window scores over the range",
  builder: (y) => rangeOptions(y),
  handler: async (a) => {
    const q = rangeQuery(a);
    const rows = await withResultsDb(settingsFrom(a), (db) => topInfluencers(db, q), {
      requireMigrated: true,
    });
    print(
      rows,
      a.json,
      [
        ["#", (r) => String(r.position), "right"],
        ["author", (r) => `@${r.username}`],
        ["id", (r) => r.authorId],
        ["score", (r) => num(r.score, 3), "right"],
        ["windows", (r) => num(r.windows), "right"],
        ["best", (r) => num(r.bestRank), "right"],
        ["tweets", (r) => num(r.tweets), "right"],
        ["retweets", (r) => num(r.retweets), "right"],
        ["likes", (r) => num(r.favourites), "right"],
        ["followers", (r) => num(r.followers), "right"],
        ["depth", (r) => num(r.depth), "right"],
      ],
      "influencers in this range",
    );
  },
};

const sentiment: CommandModule<object, RangeArgs> = {
  command: "sentiment",
  describe: "sentiment of a topic per window, with the alert of each window",
  builder: (y) => rangeOptions(y),
  handler: async (a) => {
    const q = rangeQuery(a);
    const rows = await withResultsDb(settingsFrom(a), (db) => sentimentTimeline(db, q), {
      requireMigrated: true,
    });
    print(
      rows,
      a.json,
      [
        ["window", (r) => time(r.windowStart)],
        ["tweets", (r) => num(r.nTweets), "right"],
        ["scored", (r) => num(r.nScored), "right"],
        ["avg", (r) => num(r.avgScore, 3), "right"],
        ["magnitude", (r) => num(r.avgMagnitude, 3), "right"],
        ["pos", (r) => num(r.posShare, 3), "right"],
        ["neg", (r) => num(r.negShare, 3), "right"],
        ["alert", (r) => (r.alert === null ? "" : `${r.alert.severity} (drop ${r.alert.drop.toFixed(3)})`)],
      ],
      "sentiment windows in this range",
    );
  },
};

const words: CommandModule<object, RangeArgs> = {
  command: "words",
  describe: "word-cloud terms of a topic: counts summed over the range",
  builder: (y) => rangeOptions(y),
  handler: async (a) => {
    const q = rangeQuery(a);
    const rows = await withResultsDb(settingsFrom(a), (db) => topWords(db, q), {
      requireMigrated: true,
    });
    print(
      rows,
      a.json,
      [
        ["word", (r) => r.word],
        ["count", (r) => num(r.count), "right"],
      ],
      "words in this range",
    );
  },
};

/** `--live`: what live mode stored beside the finals (docs/contracts.md, "Live windows"). */
const liveOption = {
  type: "boolean",
  describe: "also the open windows' provisional rows (live mode), marked provisional",
} as const;

const liveAlertColumns: readonly Column<LiveAlertRow>[] = [
  ["window", (r) => time(r.windowStart)],
  ["topic", (r) => r.topic],
  ["kind", (r) => r.kind],
  ["state", (r) => r.state],
  ["severity", (r) => r.severity],
  ["seen", (r) => `${r.elapsedMinutes.toFixed(1)} min`, "right"],
  ["first seen", (r) => time(r.firstSeenAt)],
  ["row", (r) => liveRow(r.row)],
];

/** A live alert's own values (its generated row without the key), `name value` pairs. */
const liveRow = (row: Record<string, unknown>): string =>
  Object.entries(row)
    .filter(([k]) => !["window_start", "window_end", "topic", "severity"].includes(k))
    .map(([k, v]) => `${k} ${typeof v === "number" && !Number.isInteger(v) ? v.toFixed(3) : String(v)}`)
    .join(", ");

const alerts: CommandModule<object, RangeArgs & { "all-topics"?: boolean; kind?: string; live?: boolean }> = {
  command: "alerts",
  describe: "every alert over the range (sentiment drops, volume spikes, trending hashtags), newest first",
  builder: (y) =>
    rangeOptions(y)
      .option("all-topics", {
        type: "boolean",
        describe: "alerts of every topic, not only --topic",
      })
      .option("kind", { type: "string", choices: ALERT_TABLES, describe: "only alerts of this kind" })
      .option("live", {
        ...liveOption,
        describe:
          "also the live alerts: provisional (open windows, rate-scaled), then confirmed or withdrawn at close",
      }),
  handler: async (a) => {
    const q = {
      ...rangeQuery(a),
      allTopics: a["all-topics"] === true,
      ...(a.kind === undefined ? {} : { kind: a.kind as AlertKind }),
    };
    const [rows, live] = await withResultsDb(
      settingsFrom(a),
      async (db) =>
        [
          await allAlerts(db, q),
          a.live ? (await liveAlerts(db, q)).filter((r) => a.kind === undefined || r.kind === a.kind) : [],
        ] as const,
      { requireMigrated: true },
    );
    if (a.live && a.json) {
      process.stdout.write(`${JSON.stringify({ alerts: rows, live }, null, 2)}\n`);
      return;
    }
    if (a.live) print(live, false, liveAlertColumns, "live alerts in this range");
    print(
      rows,
      a.json,
      [
        ["window", (r) => time(r.window_start)],
        ["topic", (r) => r.topic],
        ["kind", (r) => r.kind],
        ["entity", (r) => (r.entity === null ? "-" : `${r.dimension} ${r.entity}`)],
        ["severity", (r) => r.severity],
        ["measure", (r) => r.measure],
        ["value", (r) => num(r.value, 3), "right"],
        ["baseline", (r) => num(r.baseline_mean, 3), "right"],
        ["sd", (r) => num(r.baseline_sd, 3), "right"],
        ["windows", (r) => num(r.baseline_windows), "right"],
        ["threshold", (r) => num(r.threshold, 3), "right"],
        ["rule", (r) => r.rule],
        ["details", (r) => alertDetails(r.details)],
      ],
      "alerts in this range",
    );
  },
};

const runs: CommandModule<object, Omit<RangeArgs, "topic"> & { status?: string }> = {
  command: "runs",
  describe: "pipeline runs of the windows in the range: status, attempts, durations, bad records",
  builder: (y) =>
    rangeOptions(y)
      .option("topic", { hidden: true })
      .option("status", { type: "string", choices: RUN_STATUSES, describe: "only runs with this status" }),
  handler: async (a) => {
    const { topic: _, ...range } = rangeQuery({ ...a, topic: ALL_TWEETS });
    const q = { ...range, ...(a.status === undefined ? {} : { status: a.status as RunStatus }) };
    const rows = await withResultsDb(settingsFrom(a), (db) => pipelineRuns(db, q), { requireMigrated: true });
    print(
      rows,
      a.json,
      [
        ["window", (r) => time(r.windowStart)],
        ["attempt", (r) => `${r.attempt}/${r.attempts}`, "right"],
        ["status", (r) => r.status],
        ["runner", (r) => r.runner],
        ["started", (r) => time(r.startedAt)],
        ["seconds", (r) => (r.durationMs === null ? "-" : (r.durationMs / 1000).toFixed(1)), "right"],
        ["rows", (r) => num(r.rowsRead), "right"],
        ["bad", (r) => num(r.badRecords), "right"],
        ["dups", (r) => num(r.duplicates), "right"],
        ["error", (r) => (r.error ?? "").split("\n")[0]!.slice(0, 60)],
      ],
      "runs in this range",
    );
  },
};

const topics: CommandModule<object, { json?: boolean }> = {
  command: "topics",
  describe: "topics that have results, with their first and last window",
  builder: (y) => y.option("json", { type: "boolean", describe: "print the topics as JSON" }),
  handler: async (a) => {
    const rows = await withResultsDb(settingsFrom(a), listTopics, { requireMigrated: true });
    print(
      rows,
      a.json,
      [
        ["topic", (r) => r.topic],
        ["windows", (r) => num(r.windows), "right"],
        ["first window", (r) => time(r.firstWindowStart)],
        ["last window end", (r) => time(r.lastWindowEnd)],
      ],
      "topics with results yet",
    );
  },
};

/** A cell of a generic metric table: times as in the other tables, doubles to 3 places. */
function cell(v: unknown, type: string): string {
  if (v === null || v === undefined) return "-";
  if (v instanceof Date) return time(v);
  if (typeof v === "number") return type === "double precision" ? v.toFixed(3) : String(v);
  return String(v);
}

/** An alert's own columns as `name value` pairs, each formatted by its type in the view; "-" when it has none. */
export const alertDetails = (details: AlertDetails): string =>
  (Object.entries(details) as [keyof AlertDetails, unknown][])
    .map(([c, v]) => `${c} ${cell(v, ALERT_OWN_COLUMNS[c].type)}`)
    .join(", ") || "-";

/**
 * A metric's rows as a table, then a note per measure that does not add up over windows; with
 * `--json`, the whole answer (as `/api/metrics/NAME` gives it), so the flags travel with the rows.
 */
function printMetric(
  r: MetricResult,
  q: { topic?: string; from: Date; to: Date; allTopics?: boolean },
  json: boolean | undefined,
): void {
  if (json) {
    const { metric, description, shape, by, notAdditive, columns, rows } = r;
    const body = {
      metric,
      description,
      shape,
      by,
      topic: q.topic,
      from: q.from,
      to: q.to,
      notAdditive,
      columns,
      rows,
    };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  print(
    r.rows,
    false,
    r.columns
      // The topic is the query's, except for alerts and topics compared (--all-topics).
      .filter(
        (c) => !(c.name === "window_end" || (c.name === "topic" && r.shape.kind !== "alert" && !q.allTopics)),
      )
      .map((c) => [
        c.name === "window_start" ? "window" : c.name,
        (row: Record<string, unknown>) => cell(row[c.name], c.type),
        c.type === "text" || c.type.startsWith("timestamp") ? undefined : "right",
      ]) as Column<Record<string, unknown>>[],
    `${r.metric} rows in this range`,
  );
  if (r.by === "range" && r.rows.length > 0 && Object.keys(r.notAdditive).length > 0)
    printLines(
      ...Object.entries(r.notAdditive).map(
        ([m, why]) =>
          `note: ${m} does not add up over windows (${why}): shown for one-window rows only; --by window shows each`,
      ),
    );
}

const metric: CommandModule<
  object,
  RangeArgs & { name: string; "all-topics"?: boolean; by?: ReadBy; specs?: string; live?: boolean }
> = {
  command: "metric <name>",
  describe: "any metric of the specs, every measure rolled up over the range (or --by window)",
  builder: (y) =>
    rangeOptions(y)
      .positional("name", {
        type: "string",
        demandOption: true,
        describe: `a metric of the specs: ${Object.keys(METRIC_CATALOG).join(", ")}`,
      })
      .option("all-topics", {
        type: "boolean",
        describe: "every topic, not only --topic: one row per topic (share of voice), every alert",
      })
      .option("by", {
        type: "string",
        choices: READ_BY,
        describe:
          "range: one row per dimension values, every measure rolled up over the windows (ranked and row metrics' default); window: the stored rows, one per window (series' and alerts' default)",
      })
      .option("specs", specsOption)
      .option("live", liveOption)
      .epilog(
        'Over a range, counts and sums add, averages and shares are re-derived from their stored numerators and denominators, min and max take the min and max, arithmetic between measures adds when its parts do and is re-derived from their roll-ups otherwise; distinct counts, sums over distinct entities, scores and depths do not add up and are shown only for rows of one window (a note says so). Ranked metrics: by the rank measure, descending, with `windows` and `best_rank`; alerts: newest first. docs/contracts.md "Roll-up".',
      ),
  handler: async (a) => {
    // A spec folder of the user's (hidden: tests point it at their own specs) or the generated catalog.
    const catalog =
      a.specs === undefined
        ? METRIC_CATALOG
        : (catalogOf(compileJob(await checkedJob(a.specs))) as MetricCatalog);
    // Before any connection: an unknown name is a usage error listing the known metrics, and an
    // alert read by range one naming the fix.
    readBy(a.name, metricInfo(a.name, catalog).shape, a.by);
    const q = { ...rangeQuery(a), allTopics: a["all-topics"] === true, ...(a.by ? { by: a.by } : {}) };
    const [result, provisional] = await withResultsDb(
      settingsFrom(a),
      async (db) =>
        [
          await readMetric(db, a.name, q, catalog),
          a.live ? await provisionalRows(db, a.name, q) : [],
        ] as const,
      { requireMigrated: true },
    );
    if (a.live && a.json) {
      process.stdout.write(`${JSON.stringify({ ...result, provisional }, null, 2)}\n`);
      return;
    }
    printMetric(result, q, a.json);
    if (a.live) {
      // Provisional rows are per open window, never rolled up with the finals.
      process.stdout.write("provisional (open windows, live mode):\n");
      printMetric({ ...result, rows: provisional }, q, false);
    }
  },
};

export const query: CommandModule = {
  command: "query",
  describe: "read the results: influencers, sentiment, words, alerts, runs, topics, or any metric",
  builder: (y) =>
    y
      .command([influencers, sentiment, words, alerts, runs, topics, metric] as CommandModule[])
      .demandCommand(
        1,
        "name what to query: influencers, sentiment, words, alerts, runs, topics or metric NAME",
      )
      .epilog(
        "Ranges select windows whose start lies in [--from, --to); --since 24h is the default. An unknown topic gives no rows.",
      ),
  handler: () => {},
};
