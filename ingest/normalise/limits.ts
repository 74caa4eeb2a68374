import { INTEGER_BOUNDS } from "../../sparkgen/schema/index.ts";

/**
 * The per-record caps every source applies, so one hostile message costs a bounded amount of
 * memory and time whatever its source (X, Jetstream, a replay).
 */

/** Longest accepted text in code points: X's long-post limit; a Firehose record holds 1,000 KiB. */
export const DEFAULT_MAX_TEXT_CHARS = 25_000;
/**
 * Entities kept per list (`hashtags`, `mentions`, `urls`), in order; the rest are cut and counted.
 * A 25,000-character post has room for a few thousand `#a`, but no metric needs more than the first
 * hundred, and each one is copied into every topic row it belongs to.
 */
export const MAX_ENTITIES = 100;
/** Longest entity value kept, in UTF-16 units (a URL, a tag); a longer one is cut and counted. */
export const MAX_ENTITY_CHARS = 2_048;

/**
 * A count the event record can hold: an integer within the contract's `long` range, so `1e308`,
 * `1e21`, `1.5` and `"12"` are not counts (INTEGER_BOUNDS).
 */
export const isCount = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= INTEGER_BOUNDS.long.max;

/** Whether `s` has more than `max` code points (counted only when its UTF-16 length could be). */
export function overCodePoints(s: string, max: number): boolean {
  if (s.length <= max) return false;
  let n = 0;
  for (const _ of s) if (++n > max) return true;
  return false;
}

export type EntityList = "hashtags" | "mentions" | "urls";

/**
 * A record's entity lists under the caps: values past MAX_ENTITIES in a list, or longer than
 * MAX_ENTITY_CHARS, are not kept but counted in `cut` (the ingest summary reports them).
 */
export class Entities {
  readonly hashtags: string[] = [];
  readonly mentions: string[] = [];
  readonly urls: string[] = [];
  cut = 0;

  /** Whether `list` takes no more values: check it before an expensive decode of one. */
  full(list: EntityList): boolean {
    return this[list].length >= MAX_ENTITIES;
  }

  add(list: EntityList, value: string): void {
    if (this.full(list) || value.length > MAX_ENTITY_CHARS) this.cut++;
    else this[list].push(value);
  }

  /** Sets the non-empty lists on `record` (a list is absent, not empty, when there is none). */
  fill(record: { hashtags?: string[]; mentions?: string[]; urls?: string[] }): void {
    if (this.hashtags.length > 0) record.hashtags = this.hashtags;
    if (this.mentions.length > 0) record.mentions = this.mentions;
    if (this.urls.length > 0) record.urls = this.urls;
  }
}
