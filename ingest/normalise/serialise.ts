import type { NormalisedRecord, Sentiment } from "../types.ts";

const str = (s: string | null): string => (s === null ? "null" : JSON.stringify(s));
const num = (n: number | null): string => (n === null ? "null" : String(n));

/**
 * One v1 NDJSON line (with its `\n`) for a normalised record and its sentiment — byte-identical
 * to `JSON.stringify({ ...record, sentiment_score, sentiment_magnitude, sentiment_source }) + "\n"`
 * with the fields in EVENT_V1's order, but about twice as fast: the shape is fixed, so only the
 * free-text strings go through JSON.stringify. Timestamps are already validated ISO strings. The
 * optional entity lists are written only when the record has them.
 */
export function eventLine(r: NormalisedRecord, s: Sentiment | null, source: string | null): string {
  return (
    `{"v":1,"id":${str(r.id)},"created_at":"${r.created_at}","ingested_at":"${r.ingested_at}"` +
    `,"author_id":${str(r.author_id)},"author_username":${str(r.author_username)}` +
    `,"author_followers":${num(r.author_followers)},"text":${str(r.text)},"lang":${str(r.lang)}` +
    `,"retweet_count":${num(r.retweet_count)},"like_count":${num(r.like_count)}` +
    `,"reply_count":${num(r.reply_count)},"quote_count":${num(r.quote_count)}` +
    `,"ref_type":${str(r.ref_type)},"ref_id":${str(r.ref_id)},"ref_author_id":${str(r.ref_author_id)}` +
    `,"ref_author_username":${str(r.ref_author_username)},"ref_author_followers":${num(r.ref_author_followers)}` +
    `,"ref_retweet_count":${num(r.ref_retweet_count)},"ref_like_count":${num(r.ref_like_count)}` +
    `,"rules":${JSON.stringify(r.rules)}` +
    (r.hashtags === undefined ? "" : `,"hashtags":${JSON.stringify(r.hashtags)}`) +
    (r.mentions === undefined ? "" : `,"mentions":${JSON.stringify(r.mentions)}`) +
    (r.urls === undefined ? "" : `,"urls":${JSON.stringify(r.urls)}`) +
    `,"sentiment_score":${s === null ? "null" : String(s.score)}` +
    `,"sentiment_magnitude":${s === null ? "null" : String(s.magnitude)}` +
    `,"sentiment_source":${s === null ? "null" : str(source)}}\n`
  );
}
