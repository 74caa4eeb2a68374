import { type Column, col, type RecordOf } from "./columns.ts";

/**
 * The longest topic (a stream rule's tag), in characters: ingest refuses a message whose rule tag
 * is longer, `trends rules add` a tag, the Spark steps an event and the dashboard a `topic`
 * parameter. 64 fits a brand or campaign name and keeps tables, URLs and charts readable.
 */
export const MAX_TOPIC_LENGTH = 64;

/** The tags trends itself creates (`trends rules add`, `trends synth --topics`): letters, digits, `_`, `-`. */
export const TOPIC_NAME = new RegExp(`^[\\p{L}\\p{N}_-]{1,${MAX_TOPIC_LENGTH}}$`, "u");

/**
 * The event record, version 1: what ingest writes and the Spark steps read, one JSON object per
 * line. Declared once (docs/contracts.md, "The event record, version 1"); new optional fields may be
 * added, none removed or renamed without a new `v`.
 */
export const EVENT_V1 = {
  v: col.int("record version, always 1", { min: 1, max: 1 }),
  id: col.string("tweet id"),
  created_at: col.timestamp("event time, ISO-8601 UTC with milliseconds"),
  ingested_at: col.timestamp("when ingest handled it, ISO-8601 UTC"),
  author_id: col.string("author's user id"),
  author_username: col.string("author's @handle at ingest"),
  author_followers: col.long("followers_count of the author at ingest", { min: 0 }),
  text: col.string("full text"),
  lang: col.string("language tag from X", { nullable: true }),
  retweet_count: col.long("public_metrics.retweet_count at ingest", { min: 0 }),
  like_count: col.long("public_metrics.like_count at ingest", { min: 0 }),
  reply_count: col.long("public_metrics.reply_count at ingest", { min: 0 }),
  quote_count: col.long("public_metrics.quote_count at ingest", { min: 0 }),
  ref_type: col.string("first referenced tweet's relation", {
    nullable: true,
    values: ["retweeted", "quoted", "replied_to"],
  }),
  ref_id: col.string("referenced tweet id", { nullable: true }),
  ref_author_id: col.string("referenced tweet's author id", { nullable: true }),
  ref_author_username: col.string("referenced tweet's author handle", { nullable: true }),
  ref_author_followers: col.long("referenced author's followers at ingest", { nullable: true, min: 0 }),
  ref_retweet_count: col.long("referenced tweet's retweet_count at ingest", { nullable: true, min: 0 }),
  ref_like_count: col.long("referenced tweet's like_count at ingest", { nullable: true, min: 0 }),
  rules: col.stringArray("tags of the matched stream rules (topics); may be empty", {
    maxLength: MAX_TOPIC_LENGTH,
  }),
  hashtags: col.stringArray("hashtags, lower-case, without #; absent or empty when none", { optional: true }),
  mentions: col.stringArray("mentioned usernames, lower-case, without @; absent or empty when none", {
    optional: true,
  }),
  urls: col.stringArray("expanded URLs; absent or empty when none", { optional: true }),
  sentiment_score: col.double("−1…1; null when no analyser scored it", { nullable: true, min: -1, max: 1 }),
  sentiment_magnitude: col.double("≥ 0", { nullable: true, min: 0 }),
  sentiment_source: col.string("analyser name (google, vader, …)", { nullable: true }),
} as const satisfies Readonly<Record<string, Column>>;

export type EventSchema = typeof EVENT_V1;
export type EventV1 = RecordOf<EventSchema>;
export type EventColumn = keyof EventSchema & string;
export const EVENT_COLUMNS = Object.keys(EVENT_V1) as EventColumn[];
