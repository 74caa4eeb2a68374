import type { EventV1 } from "../sparkgen/schema/index.ts";

/**
 * The contracts between ingest's parts: sources yield raw stream messages, normalise turns one into
 * a v1 record (without sentiment), an analyser scores texts, a sink packs and ships the records.
 */

/** One raw X API v2 stream message (a JSON text, as the stream sends it, without CRLF). */
export type RawMessage = string;

/**
 * What a source yields in place of a line it refused to read whole (longer than its cap), so the
 * pipeline counts it with the other bad messages, before any source's normaliser. Not JSON: a NUL byte cannot start one.
 */
export const OVERSIZED_MESSAGE: RawMessage = "\u0000line too long";

/**
 * Where raw messages come from: the X filtered stream, a replay file, the synthetic generator,
 * Bluesky's Jetstream. The optional hooks let a source that does not speak X's format bring its
 * own normaliser, fill fields that need a lookup, and learn what the sink has durably taken.
 */
export interface Source {
  readonly name: string;
  /** Yields messages until the source ends or `signal` aborts (then it returns, it does not throw). */
  messages(signal: AbortSignal): AsyncIterable<RawMessage>;
  /** This source's normaliser (default: X API v2's), called once per run. */
  normaliser?(): Normaliser;
  /** Completes a batch of records in place before sentiment (e.g. followers from a profile API). */
  enrich?(records: NormalisedRecord[], signal: AbortSignal): Promise<void>;
  /** The first `messages` messages yielded are delivered or durably spooled: persist a cursor. */
  committed?(messages: number): Promise<void>;
  /** Records the normaliser holds back (Bluesky's like copies), sent when the stream stops. */
  heldBack?(): NormalisedRecord[];
  /** Counters of the source's own (frames too large, instance switches, profile lookups), for the ingest summary. */
  stats?(): Readonly<Record<string, number>>;
}

/** One document sentiment, in Google Cloud Natural Language's terms. */
export interface Sentiment {
  /** −1 (negative) … 1 (positive). */
  score: number;
  /** ≥ 0: how much emotion the text carries, whatever its sign. */
  magnitude: number;
  /** The analyser that scored it, when not the one called (vader hands other languages on). */
  source?: string;
}

/** Something that scores texts: Google NL, the offline VADER (published lexicons), or `none`. */
export interface SentimentAnalyser {
  /** Written to `sentiment_source`: "vader", "google", "none". */
  readonly name: string;
  /** Scores texts in order; null where it could not (the record is still sent). */
  analyse(items: readonly { text: string; lang: string | null }[]): Promise<(Sentiment | null)[]>;
  close?(): Promise<void>;
  /** Texts left unscored because the analyser does not score their language (vader: not English). */
  skippedLanguage?(): number;
}

/** The v1 record fields normalise fills; the analyser's result completes the record. */
export type NormalisedRecord = Omit<EventV1, "sentiment_score" | "sentiment_magnitude" | "sentiment_source">;

/**
 * Normalise never throws: a malformed message is a reason, counted and logged by the pipeline.
 * `skip` marks a well-formed message that is simply not an event (a delete, a post no topic rule
 * matches); those are counted apart and never logged as bad.
 */
export type NormaliseResult =
  /** `cut`: entities past the per-record caps (ingest/normalise/limits.ts), counted, not kept. */
  { ok: true; record: NormalisedRecord; cut?: number } | { ok: false; reason: string; skip?: boolean };

/** One raw message → its result; a stateful source may give several records for one message. */
export type Normaliser = (raw: RawMessage) => NormaliseResult | readonly NormaliseResult[];
