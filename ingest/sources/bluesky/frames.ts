/**
 * Jetstream's JSON frames and the AT Protocol records trends reads from them (lexicons
 * app.bsky.feed.post / repost / like, app.bsky.richtext.facet, app.bsky.embed.record). Only the
 * fields used are typed; everything is checked at run time, since a frame is untrusted input.
 */
import { Entities } from "../../normalise/index.ts";

export const COLLECTIONS = {
  post: "app.bsky.feed.post",
  repost: "app.bsky.feed.repost",
  like: "app.bsky.feed.like",
} as const;

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** `at://did:plc:x/app.bsky.feed.post/rkey` → its repository DID, or undefined. */
export function didOfUri(uri: string): string | undefined {
  if (!uri.startsWith("at://")) return undefined;
  const end = uri.indexOf("/", 5);
  const did = uri.slice(5, end < 0 ? undefined : end);
  return did.startsWith("did:") ? did : undefined;
}

export const atUri = (did: string, collection: string, rkey: string): string =>
  `at://${did}/${collection}/${rkey}`;

const FACET = "app.bsky.richtext.facet#";
/**
 * The most bytes a mention facet may cover: a handle is at most 253 characters (a domain name),
 * plus its `@`. A facet over the whole text would otherwise decode that text once per facet.
 */
const MAX_MENTION_BYTES = 256;

/**
 * Facets → entity lists, under the per-record caps (ingest/normalise/limits.ts; what they cut is
 * counted). Tags come without `#` (lower-cased); a mention facet carries a DID, so the username is
 * the text it covers (byte offsets into the UTF-8 text) without `@`; links as given.
 */
export function entitiesOf(text: string, facets: unknown): Entities {
  const e = new Entities();
  if (!Array.isArray(facets)) return e;
  let bytes: Buffer | undefined;
  for (const f of facets) {
    if (!isObj(f) || !Array.isArray(f.features)) continue;
    for (const feature of f.features) {
      if (!isObj(feature)) continue;
      switch (feature.$type) {
        case `${FACET}tag`: {
          const tag = str(feature.tag)?.replace(/^#/, "");
          if (tag) e.add("hashtags", tag.toLowerCase());
          break;
        }
        case `${FACET}link`: {
          const uri = str(feature.uri);
          if (uri) e.add("urls", uri);
          break;
        }
        case `${FACET}mention`: {
          const index = isObj(f.index) ? f.index : {};
          const { byteStart, byteEnd } = index;
          if (typeof byteStart !== "number" || typeof byteEnd !== "number" || byteEnd <= byteStart) break;
          if (e.full("mentions") || byteEnd - byteStart > MAX_MENTION_BYTES) {
            e.cut++;
            break;
          }
          bytes ??= Buffer.from(text, "utf8");
          const name = bytes.toString("utf8", byteStart, byteEnd).trim().replace(/^@/, "").toLowerCase();
          if (name && !name.includes("\uFFFD")) e.add("mentions", name);
          break;
        }
      }
    }
  }
  return e;
}

/** The post a reply answers or a post quotes (reply wins: it is the conversation's structure). */
export function referenceOf(record: Obj): { type: "replied_to" | "quoted"; uri: string } | undefined {
  const reply = isObj(record.reply) && isObj(record.reply.parent) ? str(record.reply.parent.uri) : undefined;
  if (reply) return { type: "replied_to", uri: reply };
  const embed = record.embed;
  if (!isObj(embed)) return undefined;
  // app.bsky.embed.record: { record: strongRef }; recordWithMedia: { record: { record: strongRef } }.
  const inner = isObj(embed.record) ? embed.record : undefined;
  const ref = inner && isObj(inner.record) ? inner.record : inner;
  const uri = ref ? str(ref.uri) : undefined;
  return uri?.includes("/app.bsky.feed.post/") ? { type: "quoted", uri } : undefined;
}
