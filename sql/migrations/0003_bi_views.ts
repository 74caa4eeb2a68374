import type { Kysely } from "kysely";
import { runStatements } from "./run.ts";

/**
 * Views for BI tools (Tableau, Metabase) and ad-hoc SQL: stable names, one row per thing a chart
 * plots, days in UTC. The comments show up in the tools' data browsers. Documented in sql/README.md.
 */
const views: Record<string, { body: string; comment: string }> = {
  v_sentiment: {
    comment:
      "Sentiment per window and topic (topic * = all tweets), with the sentiment alert of the window if one was raised.",
    body: `select s.window_start, s.window_end, s.topic, s.n_tweets, s.n_scored, s.avg_score, s.avg_magnitude,
        s.pos_share, s.neg_share, a.severity as alert_severity, a.drop as alert_drop, s.computed_at
      from sentiment_window s
      left join sentiment_alert a on a.window_start = s.window_start and a.topic = s.topic`,
  },
  v_top_influencers_daily: {
    comment:
      "Influencers per UTC day and topic: sum of window scores, windows present, best window rank, summed counts, max followers and depth; daily_rank by score_sum desc, followers desc, author_id.",
    body: `with daily as (
        select (window_start at time zone 'UTC')::date as day, topic, author_id,
          (array_agg(username order by window_start desc))[1] as username,
          sum(score) as score_sum, count(*)::integer as windows, min(rank) as best_rank,
          sum(tweets)::bigint as tweets, sum(retweets)::bigint as retweets,
          sum(favourites)::bigint as favourites, max(followers) as followers, max(depth) as depth
        from influencer_window
        group by 1, topic, author_id
      )
      select day, topic, author_id, username, score_sum, windows, best_rank, tweets, retweets, favourites,
        followers, depth,
        row_number() over (partition by day, topic order by score_sum desc, followers desc, author_id) as daily_rank
      from daily`,
  },
  v_words_daily: {
    comment:
      "Word-cloud terms per UTC day and topic: summed counts of the windows' top words; daily_rank by count desc, word.",
    body: `with daily as (
        select (window_start at time zone 'UTC')::date as day, topic, word, sum(count)::bigint as count
        from word_window
        group by 1, topic, word
      )
      select day, topic, word, count,
        row_number() over (partition by day, topic order by count desc, word) as daily_rank
      from daily`,
  },
  v_alerts: {
    comment: "Sentiment alerts (possible PR crises) with the window's tweet count.",
    body: `select a.window_start, a.window_end, a.topic, a.severity, a.avg_score, a.baseline_mean, a.baseline_sd,
        a.baseline_windows, a.drop, a.n_scored, s.n_tweets, a.computed_at
      from sentiment_alert a
      left join sentiment_window s on s.window_start = a.window_start and s.topic = a.topic`,
  },
  v_pipeline_runs: {
    comment:
      "Pipeline runs, one row per window and attempt, with duration in seconds and whether the attempt is the window's latest.",
    body: `select r.id, r.window_start, r.window_end, r.attempt, r.status, r.runner, r.step_id, r.input_objects,
        r.rows_read, r.bad_records, r.duplicates, r.started_at, r.finished_at,
        extract(epoch from r.finished_at - r.started_at)::double precision as duration_seconds,
        r.attempt = max(r.attempt) over (partition by r.window_start, r.window_end) as latest_attempt,
        r.error, r.owner
      from pipeline_run r`,
  },
};

/** Names of the BI views, for grants and docs. */
export const VIEW_NAMES = Object.keys(views);

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export const biViews = {
  up: (db: Kysely<unknown>) =>
    runStatements(
      db,
      Object.entries(views).flatMap(([name, v]) => [
        `create view ${name} as ${v.body}`,
        `comment on view ${name} is ${quote(v.comment)}`,
      ]),
    ),
  down: (db: Kysely<unknown>) =>
    runStatements(
      db,
      VIEW_NAMES.map((name) => `drop view ${name}`),
    ),
};
