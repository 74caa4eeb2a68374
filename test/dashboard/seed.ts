import { type Kysely, sql } from "kysely";
import type { Database, NewInfluencerWindow, NewSentimentWindow, NewWordWindow } from "../../sql/index.ts";

/** Window i starts at T0 + 15·i minutes. */
export const T0 = Date.parse("2026-11-26T00:00:00.000Z");
export const at = (i: number): string => new Date(T0 + i * 15 * 60_000).toISOString();

/** Hostile values: the page must show them as text and never run them. */
export const SCRIPT_NAME = "<script>window.__pwned=1</script>";
export const IMG_WORD = "<img src=x onerror=window.__pwned=2>";
export const LONG_WORD = "donaudampfschiffahrtsgesellschaftskapitän🚢ünïcödé漢字かなカナ";
export const HOSTILE_TOPIC = '<img src=x onerror="window.__pwned=3">';
export const HOSTILE_TAG = '<img src=x onerror="window.__pwned=4">';

/** `*`: twelve windows 00:00…02:45; two alerts (02:30 critical, 02:45 warning). */
export const ALL_N_TWEETS = [100, 120, 90, 110, 130, 125, 140, 135, 150, 160, 155, 170];
const ALL_N_SCORED = [80, 100, 0, 100, 110, 100, 120, 115, 130, 140, 130, 150];
const ALL_AVG = [0.5, 0.4, null, 0.45, 0.42, 0.48, 0.44, 0.46, 0.43, 0.47, -0.1, 0.05];

export const inf = (
  i: number,
  topic: string,
  author_id: string,
  username: string,
  rank: number,
  score: number,
  c: [tweets: number, retweets: number, favourites: number, followers: number, depth: number],
): NewInfluencerWindow => ({
  window_start: at(i),
  window_end: at(i + 1),
  topic,
  author_id,
  username,
  rank,
  score,
  tweets: c[0],
  retweets: c[1],
  favourites: c[2],
  followers: c[3],
  depth: c[4],
});

/** A sentiment_window row of window i with tweets but none scored (what lists a topic on the page). */
export const unscored = (i: number, topic: string, n_tweets: number): NewSentimentWindow => ({
  window_start: at(i),
  window_end: at(i + 1),
  topic,
  n_tweets,
  n_scored: 0,
  avg_score: null,
  avg_magnitude: null,
  pos_share: null,
  neg_share: null,
});

export const word = (i: number, topic: string, w: string, count: number, rank: number): NewWordWindow => ({
  window_start: at(i),
  window_end: at(i + 1),
  topic,
  word: w,
  count,
  rank,
});

/** Small, hand-checkable results; the expected values in the tests are worked out from these rows. */
export async function seedDashboard(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto("sentiment_window")
    .values([
      ...ALL_N_TWEETS.map((n, i) => {
        const avg = ALL_AVG[i]!;
        return {
          window_start: at(i),
          window_end: at(i + 1),
          topic: "*",
          n_tweets: n,
          n_scored: ALL_N_SCORED[i]!,
          avg_score: avg,
          avg_magnitude: avg === null ? null : 0.6,
          pos_share: avg === null ? null : avg > 0 ? 0.5 : 0.2,
          neg_share: avg === null ? null : avg > 0 ? 0.1 : 0.4,
        };
      }),
      {
        window_start: at(0),
        window_end: at(1),
        topic: "acme",
        n_tweets: 10,
        n_scored: 8,
        avg_score: 0.25,
        avg_magnitude: 0.5,
        pos_share: 0.5,
        neg_share: 0.125,
      },
      {
        window_start: at(1),
        window_end: at(2),
        topic: "acme",
        n_tweets: 20,
        n_scored: 20,
        avg_score: -0.1,
        avg_magnitude: 0.9,
        pos_share: 0.1,
        neg_share: 0.5,
      },
      {
        window_start: at(0),
        window_end: at(1),
        topic: HOSTILE_TOPIC,
        n_tweets: 5,
        n_scored: 5,
        avg_score: 0.1,
        avg_magnitude: 0.2,
        pos_share: 0.2,
        neg_share: 0,
      },
    ])
    .execute();

  const alert = (
    i: number,
    topic: string,
    severity: "warning" | "critical",
    a: number[],
    bound: [number, string],
  ) => ({
    window_start: at(i),
    window_end: at(i + 1),
    topic,
    severity,
    avg_score: a[0]!,
    baseline_mean: a[1]!,
    baseline_sd: a[2]!,
    baseline_windows: a[3]!,
    drop: a[4]!,
    n_scored: a[5]!,
    // The bound of the severity, stored by the step (compile/alert.ts): worked out by hand below.
    threshold: bound[0],
    rule: bound[1],
  });
  await db
    .insertInto("sentiment_alert")
    .values([
      // max(0.4, 3·0.02), max(0.2, 2·0.12), max(0.2, 2·0.05)
      alert(10, "*", "critical", [-0.1, 0.455, 0.02, 8, 0.555, 130], [0.4, "max(0.4, 3·baseline_sd)"]),
      alert(11, "*", "warning", [0.05, 0.3, 0.12, 8, 0.25, 150], [0.24, "max(0.2, 2·baseline_sd)"]),
      alert(1, "acme", "warning", [-0.1, 0.25, 0.05, 4, 0.35, 20], [0.2, "max(0.2, 2·baseline_sd)"]),
    ])
    .execute();
  // A volume spike in the same window as the sentiment warning: 170 ≥ 60 + max(3·10, 60) = 120,
  // < 60 + max(5·10, 3·60) = 240 → warning; ratio 170 / 60.
  await db
    .insertInto("volume_alert")
    .values({
      window_start: at(11),
      window_end: at(12),
      topic: "*",
      severity: "warning",
      n_tweets: 170,
      baseline_mean: 60,
      baseline_sd: 10,
      baseline_windows: 8,
      ratio: 170 / 60,
      threshold: 120,
      rule: "baseline_mean + max(3·baseline_sd, baseline_mean)",
    })
    .execute();
  // A trending tag of acme: new in its topic's 4 windows of history, 24 posts ≥ max(20, 3·0)
  // → warning (a new tag needs 50 to be critical). Its tag is markup, which no page may run.
  await db
    .insertInto("trending_hashtag_alert")
    .values({
      window_start: at(1),
      window_end: at(2),
      topic: "acme",
      tag: HOSTILE_TAG,
      severity: "warning",
      count: 24,
      baseline_mean: 0,
      baseline_windows: 4,
      new: true,
      threshold: 20,
      rule: "max(20, 3·baseline_mean)",
    })
    .execute();

  await db
    .insertInto("influencer_window")
    .values([
      inf(0, "*", "a1", "alice", 1, 0.9, [3, 50, 20, 1000, 2]),
      inf(0, "*", "a2", "bob", 2, 0.5, [1, 5, 2, 5000, 1]),
      inf(1, "*", "a2", "bobby", 1, 0.8, [2, 30, 10, 5100, 3]),
      inf(1, "*", "a3", SCRIPT_NAME, 2, 0.3, [1, 0, 1, 10, 0]),
      inf(3, "*", "a1", "alice", 1, 0.2, [1, 1, 1, 1001, 0]),
      inf(0, "acme", "a1", "alice", 1, 1, [1, 4, 2, 1000, 1]),
    ])
    .execute();

  await db
    .insertInto("word_window")
    .values([
      word(0, "*", "brand", 10, 1),
      word(0, "*", "launch", 5, 2),
      word(0, "*", IMG_WORD, 2, 3),
      word(1, "*", "brand", 7, 1),
      word(1, "*", "launch", 6, 2),
      word(1, "*", "price", 6, 3),
      word(1, "*", LONG_WORD, 3, 4),
      word(0, "acme", "acme", 4, 1),
      word(0, "acme", "rocket", 2, 2),
      // The query's own keywords (topic acme's tag, as a word and a hashtag) in all tweets' cloud.
      word(1, "*", "acme", 30, 5),
      word(1, "*", "#acme", 12, 6),
    ])
    .execute();
  await seedMoreMetrics(db);
}

/**
 * Share of voice of windows 0 and 1 (all tweets 100 and 120; tracked: acme 10 + HOSTILE_TOPIC 5,
 * then acme 20), languages of all tweets in the same windows, and tweets per minute of windows 10
 * and 11 (02:30 … 02:59).
 */
async function seedMoreMetrics(db: Kysely<Database>): Promise<void> {
  const sov = (i: number, topic: string, n: number, all: number, tracked: number) => ({
    window_start: at(i),
    window_end: at(i + 1),
    topic,
    n_tweets: n,
    share_of_all: n / all,
    share_of_tracked: n / tracked,
    share_of_all_den: all,
    share_of_tracked_den: tracked,
  });
  await db
    .insertInto("share_of_voice_window")
    .values([sov(0, "acme", 10, 100, 15), sov(0, HOSTILE_TOPIC, 5, 100, 15), sov(1, "acme", 20, 120, 20)])
    .execute();
  const lang = (i: number, l: string, n: number, all: number) => ({
    window_start: at(i),
    window_end: at(i + 1),
    topic: "*",
    lang: l,
    n_tweets: n,
    share: n / all,
    share_den: all,
  });
  await db
    .insertInto("language_window")
    .values([
      lang(0, "en", 60, 100),
      lang(0, "es", 30, 100),
      lang(0, "und", 10, 100),
      lang(1, "en", 100, 120),
      lang(1, "fr", 20, 120),
    ])
    .execute();
  await db
    .insertInto("volume_minute")
    .values(VOLUME_MINUTES.map(([hhmm, n, scored, sum]) => minuteRow(hhmm, n, scored, sum)))
    .execute();
}

/** Tweets per minute of all tweets: [minute of 2026-11-26, n_tweets, n_scored, Σ scores]. */
export const VOLUME_MINUTES: [string, number, number, number][] = [
  ["02:30", 50, 40, 4],
  ["02:31", 60, 50, -10],
  ["02:44", 45, 40, -10],
  ["02:45", 80, 70, 0],
  ["02:59", 90, 80, 8],
];

const minuteRow = (hhmm: string, n: number, scored: number, sum: number) => {
  const minute = `2026-11-26T${hhmm}:00.000Z`;
  const i = Math.floor((Date.parse(minute) - T0) / (15 * 60_000));
  return {
    window_start: at(i),
    window_end: at(i + 1),
    topic: "*",
    minute,
    n_tweets: n,
    n_scored: scored,
    avg_score: sum / scored,
    avg_score_num: sum,
    avg_score_den: scored,
  };
};

/**
 * What live mode leaves for all tweets: window 12 (03:00–03:15) open, 7 minutes seen, with a
 * provisional sentiment row and a provisional volume alert; the sentiment warning of window 11
 * raised provisionally and confirmed by its final; a volume alert of window 10 withdrawn at its final.
 */
export async function seedLive(db: Kysely<Database>): Promise<void> {
  await insertRows(db, "live_window", [
    { window_start: at(10), window_end: at(11), final: true, events: 155 },
    { window_start: at(11), window_end: at(12), final: true, events: 170 },
    { window_start: at(12), window_end: at(13), final: false, events: 90 },
  ]);
  await insertRows(db, "provisional_row", [
    {
      metric: "sentiment_window",
      window_start: at(12),
      window_end: at(13),
      topic: "*",
      row: JSON.stringify(LIVE_SENTIMENT),
      refreshed_at: "2026-11-26T03:07:30.000Z",
    },
  ]);
  const alert = (i: number, kind: string, state: string, severity: string, row: object) => ({
    kind,
    window_start: at(i),
    window_end: at(i + 1),
    topic: "*",
    state,
    severity,
    elapsed_minutes: i === 12 ? 7 : 15,
    rate_scale: i === 12 ? 15 / 7 : 1,
    row: JSON.stringify(row),
    first_seen_at: new Date(Date.parse(at(i)) + 5 * 60_000).toISOString(),
    updated_at: new Date(Date.parse(at(i)) + 7 * 60_000).toISOString(),
    settled_at: i === 12 ? null : at(i + 2),
  });
  await insertRows(db, "live_alert", [
    // 90 tweets in 7 minutes → 90 × 15/7 ≈ 192.9 for the window ≥ 60 + max(3·10, 60) = 120.
    alert(12, "volume_alert", "provisional", "warning", {
      n_tweets: 90 * (15 / 7),
      baseline_mean: 60,
      baseline_sd: 10,
      baseline_windows: 8,
      ratio: (90 * (15 / 7)) / 60,
      threshold: 120,
      rule: "baseline_mean + max(3·baseline_sd, baseline_mean)",
    }),
    alert(11, "sentiment_alert", "confirmed", "warning", { drop: 0.25, n_scored: 150 }),
    alert(10, "volume_alert", "withdrawn", "warning", {
      n_tweets: 130,
      baseline_mean: 60,
      baseline_sd: 10,
      threshold: 120,
      ratio: 130 / 60,
    }),
  ]);
}

/** Live mode's tables are read with SQL of their own (sql/queries/live.ts), not in the Kysely schema. */
const insertRows = (db: Kysely<Database>, table: string, rows: Record<string, unknown>[]) => {
  const cols = Object.keys(rows[0]!);
  return sql`insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.id(c)))})
    values ${sql.join(rows.map((r) => sql`(${sql.join(cols.map((c) => r[c]))})`))}`.execute(db);
};

/** The provisional `sentiment_window` row of window 12 (seedLive). */
export const LIVE_SENTIMENT = {
  window_start: at(12),
  window_end: at(13),
  topic: "*",
  n_tweets: 90,
  n_scored: 60,
  avg_score: 0.125,
  avg_magnitude: 0.5,
  pos_share: 0.4,
  neg_share: 0.2,
};

/** Removes what seedLive wrote (the provisional rows and alerts go with their windows). */
export const clearLive = (db: Kysely<Database>) => sql`delete from live_window`.execute(db);
