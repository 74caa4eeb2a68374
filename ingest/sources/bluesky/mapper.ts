import { isValidDid, isValidLanguage, isValidRecordKey } from "@atproto/syntax";
import { DEFAULT_MAX_TEXT_CHARS, overCodePoints, wellFormed } from "../../normalise/index.ts";
import type { NormalisedRecord, NormaliseResult, RawMessage } from "../../types.ts";
import { atUri, COLLECTIONS, didOfUri, entitiesOf, isObj, type Obj, referenceOf, str } from "./frames.ts";
import type { Handles } from "./handles.ts";
import { type CompiledRule, matchRules } from "./rules.ts";

export interface MapperOptions {
  rules: readonly CompiledRule[];
  handles: Handles;
  /** Wall clock for `ingested_at`. */
  now?: () => number;
  /** Matching posts remembered for their reposts and likes (oldest forgotten first). */
  maxTracked?: number;
  /** …and for at most this long after they were seen, in stream time (default 24 h)… */
  trackMs?: number;
  /** …and while their texts and entities hold at most this many UTF-16 units (default 64 Mi, ~128 MB). */
  maxTrackedChars?: number;
  /** A liked post is re-sent with its new like count at most this often, in stream time (0: every like). */
  likeCopyMs?: number;
}

interface Tracked {
  record: NormalisedRecord;
  /** The record's share of `maxTrackedChars`. */
  chars: number;
  seenUs: number;
  reposts: number;
  likes: number;
  replies: number;
  quotes: number;
  copiedUs: number;
}

/** What the stream has shown of a post so far, as X's public_metrics. */
const counts = (p: Tracked) => ({
  retweet_count: p.reposts,
  like_count: p.likes,
  reply_count: p.replies,
  quote_count: p.quotes,
});

/** What a remembered record costs, roughly, in UTF-16 units: its text and entity values. */
function charsOf(r: NormalisedRecord): number {
  let n = r.text.length;
  for (const list of [r.hashtags, r.mentions, r.urls]) for (const v of list ?? []) n += v.length;
  return n;
}

const skip = (reason: string): NormaliseResult => ({ ok: false, reason, skip: true });
const bad = (reason: string): NormaliseResult => ({ ok: false, reason });

/**
 * createdAt in ISO form with milliseconds, clamped to the stream time (clocks in the future); the
 * stream time too when it is unreadable or before 1970 (`-000001-…` is a date to Date.parse, not to
 * the contract).
 */
function createdAt(value: unknown, timeUs: number): string {
  const streamMs = Math.floor(timeUs / 1000);
  const t = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return new Date(Number.isNaN(t) || t > streamMs || t < 0 ? streamMs : t).toISOString();
}

/**
 * Jetstream frame → v1 records. Stateful: it remembers matching posts (bounded) so reposts and
 * likes of them become events, and identity events update the handle cache. Never throws.
 */
export class BlueskyMapper {
  private readonly tracked = new Map<string, Tracked>();
  private readonly pendingCopies = new Set<string>();
  /** Reposts and likes already counted: a rewind after a reconnect delivers them again. */
  private readonly counted = new Set<string>();
  private lastSweepUs = 0;
  private readonly now: () => number;
  private readonly maxTracked: number;
  private readonly trackUs: number;
  private readonly copyUs: number;
  private readonly maxChars: number;
  private trackedChars = 0;

  constructor(private readonly o: MapperOptions) {
    this.now = o.now ?? Date.now;
    this.maxTracked = o.maxTracked ?? 50_000;
    this.trackUs = (o.trackMs ?? 86_400_000) * 1000;
    this.copyUs = (o.likeCopyMs ?? 10_000) * 1000;
    this.maxChars = o.maxTrackedChars ?? 64 * 1024 * 1024;
  }

  /** Posts remembered now (for tests and the progress log). */
  get trackedPosts(): number {
    return this.tracked.size;
  }

  map(raw: RawMessage): NormaliseResult | NormaliseResult[] {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return bad("bad JSON");
    }
    if (!isObj(frame)) return bad("not a JSON object");
    const did = str(frame.did);
    const timeUs = frame.time_us;
    if (!did || typeof timeUs !== "number" || !Number.isSafeInteger(timeUs) || timeUs < 0)
      return bad("missing did or time_us");
    // Identifiers are checked with the AT Protocol's own syntax rules (@atproto/syntax): a value
    // that passes holds no control character, space or quote, so no id can carry a NUL or a line.
    if (!isValidDid(did)) return bad("invalid did");
    const out = this.sweep(timeUs);
    const r = this.frame(frame, did, timeUs);
    if (out.length === 0) return r;
    if (Array.isArray(r)) out.push(...r);
    else out.push(r);
    return out;
  }

  private frame(frame: Obj, did: string, timeUs: number): NormaliseResult | NormaliseResult[] {
    switch (frame.kind) {
      case "identity": {
        const handle = isObj(frame.identity) ? str(frame.identity.handle) : undefined;
        if (handle) this.o.handles.identity(did, handle);
        return skip("identity event");
      }
      case "account":
        return skip("account event");
      case "commit":
        break;
      default:
        return bad("unknown frame kind");
    }
    const c = frame.commit;
    if (!isObj(c)) return bad("commit frame without commit");
    const collection = str(c.collection);
    const rkey = str(c.rkey);
    if (!collection || !rkey) return bad("commit without collection or rkey");
    if (!isValidRecordKey(rkey)) return bad("invalid rkey");
    const uri = atUri(did, collection, rkey);
    if (c.operation === "delete") {
      // Deletes cannot retract events already sent; the post just stops collecting reposts and likes.
      this.forget(uri);
      return skip("delete");
    }
    if (c.operation !== "create" && c.operation !== "update") return bad("unknown commit operation");
    const record = c.record;
    if (!isObj(record)) return bad("commit without record");
    if (collection !== COLLECTIONS.post && c.operation === "create") {
      if (this.counted.has(uri)) return skip("seen before (rewind)");
      this.counted.add(uri);
      if (this.counted.size > this.maxTracked * 4)
        this.counted.delete(this.counted.values().next().value as string);
    } else if (c.operation === "create" && this.tracked.has(uri)) return skip("seen before (rewind)");
    switch (collection) {
      case COLLECTIONS.post:
        return this.post(uri, did, timeUs, record);
      case COLLECTIONS.repost:
        return this.repost(uri, did, timeUs, record);
      case COLLECTIONS.like:
        return this.like(timeUs, record);
      default:
        return skip("other collection");
    }
  }

  private post(uri: string, did: string, timeUs: number, record: Obj): NormaliseResult {
    if (typeof record.text !== "string") return bad("post without text");
    // Bluesky's lexicon allows 3,000 bytes, but a frame is whatever a PDS sent: the X path's cap.
    if (overCodePoints(record.text, DEFAULT_MAX_TEXT_CHARS))
      return bad(`huge text (over ${DEFAULT_MAX_TEXT_CHARS} characters)`);
    const text = wellFormed(record.text);
    const langs = Array.isArray(record.langs)
      ? record.langs.filter((l): l is string => typeof l === "string" && isValidLanguage(l))
      : [];
    const e = entitiesOf(text, record.facets);
    const rules = matchRules(this.o.rules, text, e.hashtags, langs);
    if (rules.length === 0) return skip("no topic rule matched");
    const ref = referenceOf(record);
    const refPost = ref ? this.tracked.get(ref.uri) : undefined;
    if (refPost) {
      if (ref?.type === "replied_to") refPost.replies++;
      else refPost.quotes++;
    }
    const refAuthor = ref ? didOfUri(ref.uri) : undefined;
    const out: NormalisedRecord = {
      v: 1,
      id: uri,
      created_at: createdAt(record.createdAt, timeUs),
      ingested_at: this.ingestedAt(),
      author_id: did,
      author_username: this.o.handles.known(did) ?? did,
      author_followers: 0,
      text,
      lang: langs[0] ?? null,
      retweet_count: 0,
      like_count: 0,
      reply_count: 0,
      quote_count: 0,
      ref_type: ref?.type ?? null,
      ref_id: ref?.uri ?? null,
      ref_author_id: refAuthor ?? null,
      ref_author_username: refAuthor ? (this.o.handles.known(refAuthor) ?? null) : null,
      ref_author_followers: null,
      ref_retweet_count: refPost ? refPost.reposts : null,
      ref_like_count: refPost ? refPost.likes : null,
      rules,
    };
    e.fill(out);
    this.track(uri, out, timeUs);
    return e.cut > 0 ? { ok: true, record: out, cut: e.cut } : { ok: true, record: out };
  }

  private repost(uri: string, did: string, timeUs: number, record: Obj): NormaliseResult {
    const subject = isObj(record.subject) ? str(record.subject.uri) : undefined;
    if (!subject) return bad("repost without subject");
    const p = this.tracked.get(subject);
    if (!p) return skip("repost of a post no topic rule matched");
    p.reposts++;
    const o = p.record;
    // As X reports a retweet: the original's text, entities and counts, the original as reference.
    const out: NormalisedRecord = {
      ...o,
      id: uri,
      created_at: createdAt(record.createdAt, timeUs),
      ingested_at: this.ingestedAt(),
      author_id: did,
      author_username: this.o.handles.known(did) ?? did,
      author_followers: 0,
      ...counts(p),
      ref_type: "retweeted",
      ref_id: subject,
      ref_author_id: o.author_id,
      ref_author_username: this.o.handles.known(o.author_id) ?? o.author_username,
      ref_author_followers: null,
      ref_retweet_count: p.reposts,
      ref_like_count: p.likes,
    };
    return { ok: true, record: out };
  }

  /** A like of a remembered post: its like count grows, and a fresh copy of it is sent (dedup keeps the latest). */
  private like(timeUs: number, record: Obj): NormaliseResult {
    const subject = isObj(record.subject) ? str(record.subject.uri) : undefined;
    if (!subject) return bad("like without subject");
    const p = this.tracked.get(subject);
    if (!p) return skip("like of a post no topic rule matched");
    p.likes++;
    if (timeUs - p.copiedUs >= this.copyUs) {
      this.pendingCopies.delete(subject);
      return { ok: true, record: this.copy(p, timeUs) };
    }
    this.pendingCopies.add(subject);
    return skip("like (counted, copy pending)");
  }

  private copy(p: Tracked, timeUs: number): NormalisedRecord {
    p.copiedUs = timeUs;
    return {
      ...p.record,
      ingested_at: this.ingestedAt(),
      ...counts(p),
    };
  }

  /** Sends the copies held back by `likeCopyMs` once that much stream time has passed. */
  private sweep(timeUs: number): NormaliseResult[] {
    if (this.pendingCopies.size === 0 || timeUs - this.lastSweepUs < this.copyUs) return [];
    this.lastSweepUs = timeUs;
    return this.release(timeUs).map((record) => ({ ok: true, record }));
  }

  private release(timeUs?: number): NormalisedRecord[] {
    const out: NormalisedRecord[] = [];
    for (const uri of this.pendingCopies) {
      const p = this.tracked.get(uri);
      if (p) out.push(this.copy(p, timeUs ?? p.copiedUs));
    }
    this.pendingCopies.clear();
    return out;
  }

  private track(uri: string, record: NormalisedRecord, timeUs: number): void {
    this.forget(uri);
    const chars = charsOf(record);
    this.trackedChars += chars;
    this.tracked.set(uri, {
      record,
      chars,
      seenUs: timeUs,
      reposts: 0,
      likes: 0,
      replies: 0,
      quotes: 0,
      copiedUs: timeUs,
    });
    // Map order is insertion order: the oldest first.
    for (const [k, v] of this.tracked) {
      if (
        this.tracked.size <= this.maxTracked &&
        this.trackedChars <= this.maxChars &&
        timeUs - v.seenUs <= this.trackUs
      )
        break;
      this.forget(k);
    }
  }

  private forget(uri: string): void {
    const p = this.tracked.get(uri);
    if (!p) return;
    this.trackedChars -= p.chars;
    this.tracked.delete(uri);
    this.pendingCopies.delete(uri);
  }

  /**
   * The like copies still held back by `likeCopyMs`, sent now: the pipeline asks for them when the
   * stream stops, so a post's last likes are not lost with the process.
   */
  flush(): NormalisedRecord[] {
    return this.release();
  }

  private lastMs = Number.NaN;
  private lastIso = "";
  private ingestedAt(): string {
    const ms = this.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }
}
