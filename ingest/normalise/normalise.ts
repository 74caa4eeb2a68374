import { MAX_TOPIC_LENGTH } from "../../sparkgen/schema/index.ts";
import type { NormalisedRecord, NormaliseResult, RawMessage } from "../types.ts";
import { DEFAULT_MAX_TEXT_CHARS, Entities, type EntityList, isCount, overCodePoints } from "./limits.ts";
import { wellFormed } from "./storable.ts";

/**
 * X API v2 filtered-stream message → v1 record fields (docs/contracts.md, "The event record, version 1").
 * The hot path of ingest: one JSON.parse, lookups by id in `includes`, no regex on the text unless
 * it needs fixing. It never throws; a message it cannot use gives `{ ok: false, reason }`.
 *
 * Decisions (documented in ingest/README.md):
 * - Lone UTF-16 surrogates (a tweet cut mid-emoji) are replaced with U+FFFD, not rejected: the tweet
 *   is still a tweet, and replacing keeps every line valid UTF-8 for S3 and Spark.
 * - Texts longer than `maxTextChars` code points are rejected as "huge text" (X allows 25,000 for
 *   long posts, and a Firehose record holds at most 1,000 KiB).
 * - X escapes `&`, `<`, `>` in `text` as HTML entities; they are unescaped so the word cloud does
 *   not count "amp". Long posts carry their full text in `note_tweet.text`, which wins over `text`.
 * - `rules` are the distinct tags of `matching_rules`, in order; rules without a tag are dropped.
 *   A tag longer than MAX_TOPIC_LENGTH rejects the message (the contract's bound on topics).
 * - Counts must be integers within the contract's `long` range (INTEGER_BOUNDS): `1e308` is not a
 *   count, however integral JavaScript finds it.
 * - `hashtags`/`mentions`/`urls` come from `entities` (`tag`, `username` lower-cased; `expanded_url`
 *   as given), repeats kept; a list is absent when the tweet has none.
 */

export interface NormaliseOptions {
  /** Longest accepted text in code points (default 25,000, X's long-post limit). */
  maxTextChars?: number;
}

const REF_TYPES = new Set(["retweeted", "quoted", "replied_to"]);
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function unescapeHtml(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(amp|lt|gt);/g, (_, e: string) => (e === "amp" ? "&" : e === "lt" ? "<" : ">"));
}

/** X sends `2026-11-26T04:15:03.000Z`; anything else Date can read is re-printed in that form. */
function normaliseTime(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  if (ISO_MS.test(v)) return Number.isNaN(Date.parse(v)) ? undefined : v;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  const iso = new Date(t).toISOString();
  return ISO_MS.test(iso) ? iso : undefined;
}

function findById(list: unknown, id: string): Obj | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const x of list) if (isObj(x) && x.id === id) return x;
  return undefined;
}

/** The distinct non-empty tags, or undefined when one is longer than a topic may be. */
function tagsOf(matching: unknown): string[] | undefined {
  if (!Array.isArray(matching)) return [];
  const tags: string[] = [];
  for (const r of matching) {
    if (isObj(r) && typeof r.tag === "string" && r.tag !== "" && !tags.includes(r.tag)) {
      if (overCodePoints(r.tag, MAX_TOPIC_LENGTH)) return undefined;
      tags.push(r.tag);
    }
  }
  return tags;
}

/** The `field` strings of one of X's entity lists, lower-cased unless `keepCase`; repeats kept. */
function addValues(into: Entities, list: EntityList, from: unknown, field: string, keepCase: boolean): void {
  if (!Array.isArray(from)) return;
  for (const e of from) {
    const v = isObj(e) ? e[field] : undefined;
    if (typeof v === "string" && v !== "")
      into.add(list, keepCase ? wellFormed(v) : wellFormed(v).toLowerCase());
  }
}

/** X's `entities` → `hashtags`, `mentions`, `urls` (after `rules`, in EVENT_V1 order); returns what was cut. */
function addEntities(record: NormalisedRecord, entities: unknown): number {
  if (!isObj(entities)) return 0;
  const e = new Entities();
  addValues(e, "hashtags", entities.hashtags, "tag", false);
  addValues(e, "mentions", entities.mentions, "username", false);
  addValues(e, "urls", entities.urls, "expanded_url", true);
  e.fill(record);
  return e.cut;
}

const fail = (reason: string): NormaliseResult => ({ ok: false, reason });

/**
 * Normalises one stream message. `ingestedAt` is the ISO time of handling (the caller's clock,
 * so tests and replays are reproducible).
 *
 * @example normalise('{"data":{…},"includes":{…},"matching_rules":[…]}', "2026-11-26T04:15:04.000Z")
 */
export function normalise(
  raw: RawMessage,
  ingestedAt: string,
  options: NormaliseOptions = {},
): NormaliseResult {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return fail("bad JSON");
  }
  if (!isObj(msg)) return fail("not a JSON object");
  const data = msg.data;
  if (!isObj(data)) return fail(Array.isArray(msg.errors) ? "stream error message" : "missing data");
  const id = data.id;
  if (typeof id !== "string" || id === "") return fail("missing data.id");
  const authorId = data.author_id;
  if (typeof authorId !== "string" || authorId === "") return fail(`tweet ${id}: missing author_id`);
  const createdAt = normaliseTime(data.created_at);
  if (createdAt === undefined) return fail(`tweet ${id}: missing or invalid created_at`);
  const note = data.note_tweet;
  const rawText = isObj(note) && typeof note.text === "string" ? note.text : data.text;
  if (typeof rawText !== "string") return fail(`tweet ${id}: missing text`);
  const maxChars = options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  if (overCodePoints(rawText, maxChars)) return fail(`tweet ${id}: huge text (over ${maxChars} characters)`);
  const pm = data.public_metrics;
  if (!isObj(pm)) return fail(`tweet ${id}: missing public_metrics`);
  const { retweet_count, like_count, reply_count, quote_count } = pm;
  if (!isCount(retweet_count) || !isCount(like_count) || !isCount(reply_count) || !isCount(quote_count))
    return fail(`tweet ${id}: invalid public_metrics`);
  const lang = data.lang;
  if (lang !== undefined && lang !== null && typeof lang !== "string")
    return fail(`tweet ${id}: invalid lang`);

  const includes = isObj(msg.includes) ? msg.includes : {};
  const author = findById(includes.users, authorId);
  if (!author || typeof author.username !== "string")
    return fail(`tweet ${id}: author not in includes.users`);
  const authorPm = author.public_metrics;
  const followers = isObj(authorPm) ? authorPm.followers_count : undefined;
  if (!isCount(followers)) return fail(`tweet ${id}: author has no followers_count`);

  let refType: string | null = null;
  let refId: string | null = null;
  let refAuthorId: string | null = null;
  let refAuthorUsername: string | null = null;
  let refAuthorFollowers: number | null = null;
  let refRetweets: number | null = null;
  let refLikes: number | null = null;
  const refs = data.referenced_tweets;
  if (Array.isArray(refs) && refs.length > 0) {
    const first = refs[0];
    if (!isObj(first) || typeof first.id !== "string" || typeof first.type !== "string")
      return fail(`tweet ${id}: invalid referenced_tweets`);
    if (!REF_TYPES.has(first.type)) return fail(`tweet ${id}: unknown referenced tweet type ${first.type}`);
    refType = first.type;
    refId = first.id;
    // The referenced tweet may be missing from includes (deleted, protected): keep the relation.
    const ref = findById(includes.tweets, refId);
    if (ref) {
      if (typeof ref.author_id === "string") refAuthorId = ref.author_id;
      const rpm = ref.public_metrics;
      if (isObj(rpm)) {
        if (isCount(rpm.retweet_count)) refRetweets = rpm.retweet_count;
        if (isCount(rpm.like_count)) refLikes = rpm.like_count;
      }
      const refAuthor = refAuthorId === null ? undefined : findById(includes.users, refAuthorId);
      if (refAuthor) {
        if (typeof refAuthor.username === "string") refAuthorUsername = wellFormed(refAuthor.username);
        const apm = refAuthor.public_metrics;
        if (isObj(apm) && isCount(apm.followers_count)) refAuthorFollowers = apm.followers_count;
      }
    }
  }

  const rules = tagsOf(msg.matching_rules);
  if (rules === undefined) return fail(`rule tag longer than ${MAX_TOPIC_LENGTH} characters`);

  const record: NormalisedRecord = {
    v: 1,
    id,
    created_at: createdAt,
    ingested_at: ingestedAt,
    author_id: authorId,
    author_username: wellFormed(author.username),
    author_followers: followers,
    text: unescapeHtml(wellFormed(rawText)),
    lang: typeof lang === "string" ? lang : null,
    retweet_count,
    like_count,
    reply_count,
    quote_count,
    ref_type: refType,
    ref_id: refId,
    ref_author_id: refAuthorId,
    ref_author_username: refAuthorUsername,
    ref_author_followers: refAuthorFollowers,
    ref_retweet_count: refRetweets,
    ref_like_count: refLikes,
    rules,
  };
  // A long post's entities index its full text (note_tweet), like its text.
  const cut = addEntities(record, isObj(note) && isObj(note.entities) ? note.entities : data.entities);
  return cut > 0 ? { ok: true, record, cut } : { ok: true, record };
}

/**
 * A normaliser bound to a clock: `ingested_at` is the clock's time, re-printed only when the
 * millisecond changes (toISOString is a measurable share of the hot path).
 */
export function createNormaliser(
  options: NormaliseOptions & { now?: () => number } = {},
): (raw: RawMessage) => NormaliseResult {
  const now = options.now ?? Date.now;
  let lastMs = Number.NaN;
  let lastIso = "";
  return (raw) => {
    const ms = now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return normalise(raw, lastIso, options);
  };
}
