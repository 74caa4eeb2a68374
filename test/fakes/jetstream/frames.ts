/**
 * A short Bluesky conversation as Jetstream frames, written from the public lexicons
 * (app.bsky.feed.post with app.bsky.richtext.facet, reply refs and app.bsky.embed.record quotes;
 * app.bsky.feed.repost; app.bsky.feed.like; identity and account events; deletes), plus a
 * malformed frame. The rule `acme` matches posts 1, 4, 5, 6 and 9.
 */
export const T0_US = Date.parse("2026-11-26T04:00:00.000Z") * 1000;
const at = (s: number) => T0_US + s * 1_000_000;
const iso = (s: number) => new Date(at(s) / 1000).toISOString();

export const DIDS = {
  alice: "did:plc:alice0000000000000000000",
  bob: "did:plc:bob00000000000000000000000",
  carol: "did:plc:carol0000000000000000000",
  dave: "did:plc:dave000000000000000000000",
  erin: "did:plc:erin000000000000000000000",
  frank: "did:plc:frank0000000000000000000",
} as const;

export const PROFILES = {
  [DIDS.alice]: { handle: "alice.test", followers: 5000 },
  [DIDS.bob]: { handle: "bob.test", followers: 120 },
  [DIDS.carol]: { handle: "carol.test", followers: 40 },
  [DIDS.dave]: { handle: "dave.test", followers: 9 },
  [DIDS.erin]: { handle: "erin.test", followers: 300 },
} as const;

const uri = (did: string, collection: string, rkey: string) => `at://${did}/${collection}/${rkey}`;
export const P1 = uri(DIDS.alice, "app.bsky.feed.post", "3kp1");
const F1 = uri(DIDS.frank, "app.bsky.feed.post", "3kf1");

/** UTF-8 byte range of `part` in `text` (facets index bytes, not characters). */
function bytes(text: string, part: string): { byteStart: number; byteEnd: number } {
  const i = text.indexOf(part);
  const byteStart = Buffer.byteLength(text.slice(0, i));
  return { byteStart, byteEnd: byteStart + Buffer.byteLength(part) };
}

const commit = (
  did: string,
  s: number,
  collection: string,
  rkey: string,
  operation: "create" | "update" | "delete",
  record?: object,
) =>
  JSON.stringify({
    did,
    time_us: at(s),
    kind: "commit",
    commit: {
      rev: `3l${s}`,
      operation,
      collection,
      rkey,
      ...(record ? { record, cid: `bafyrei${s}` } : {}),
    },
  });

const post = (did: string, s: number, rkey: string, record: Record<string, unknown>) =>
  commit(did, s, "app.bsky.feed.post", rkey, "create", {
    $type: "app.bsky.feed.post",
    createdAt: iso(s),
    langs: ["en"],
    ...record,
  });

const TEXT1 = "I love the new Acme phone, it's amazing #Acme @bob.test https://acme.example/p";
const TEXT9 = "🎉 thanks @Alice.test for the #ACME news, great work";

export const FRAMES: readonly string[] = [
  // 0: alice's handle, before her first post.
  JSON.stringify({
    did: DIDS.alice,
    time_us: at(0),
    kind: "identity",
    identity: { did: DIDS.alice, handle: "alice.test", seq: 1, time: iso(0) },
  }),
  // 1: a post with a tag, a mention and a link facet.
  post(DIDS.alice, 1, "3kp1", {
    text: TEXT1,
    facets: [
      { index: bytes(TEXT1, "#Acme"), features: [{ $type: "app.bsky.richtext.facet#tag", tag: "Acme" }] },
      {
        index: bytes(TEXT1, "@bob.test"),
        features: [{ $type: "app.bsky.richtext.facet#mention", did: DIDS.bob }],
      },
      {
        index: bytes(TEXT1, "https://acme.example/p"),
        features: [{ $type: "app.bsky.richtext.facet#link", uri: "https://acme.example/p" }],
      },
    ],
  }),
  // 2: a post no rule matches.
  post(DIDS.frank, 2, "3kf1", { text: "nothing to see here" }),
  // 3: bob reposts alice's post.
  commit(DIDS.bob, 3, "app.bsky.feed.repost", "3kr1", "create", {
    $type: "app.bsky.feed.repost",
    subject: { uri: P1, cid: "bafyreip1" },
    createdAt: iso(3),
  }),
  // 4: carol likes it.
  commit(DIDS.carol, 4, "app.bsky.feed.like", "3kl1", "create", {
    $type: "app.bsky.feed.like",
    subject: { uri: P1, cid: "bafyreip1" },
    createdAt: iso(4),
  }),
  // 5: dave replies (negative).
  post(DIDS.dave, 5, "3kd1", {
    text: "acme support is terrible, awful experience",
    reply: { root: { uri: P1, cid: "bafyreip1" }, parent: { uri: P1, cid: "bafyreip1" } },
  }),
  // 6: erin quotes it, with a clock an hour fast: created_at is clamped to time_us.
  post(DIDS.erin, 6, "3ke1", {
    text: "Acme? wow, great",
    createdAt: iso(3606),
    embed: { $type: "app.bsky.embed.record", record: { uri: P1, cid: "bafyreip1" } },
  }),
  // 7: malformed.
  '{"did":"did:plc:broken","time_us":',
  // 8: a like of a post nobody matched, a delete, an account event.
  commit(DIDS.carol, 8, "app.bsky.feed.like", "3kl2", "create", {
    $type: "app.bsky.feed.like",
    subject: { uri: F1, cid: "bafyreif1" },
    createdAt: iso(8),
  }),
  commit(DIDS.frank, 8, "app.bsky.feed.post", "3kf1", "delete"),
  JSON.stringify({
    did: DIDS.frank,
    time_us: at(8) + 1,
    kind: "account",
    account: { active: false, did: DIDS.frank, seq: 2, time: iso(8) },
  }),
  // 9: bob, an emoji before the mention (byte offsets ≠ character offsets), German too.
  post(DIDS.bob, 9, "3kb2", {
    text: TEXT9,
    langs: ["en", "de"],
    facets: [
      {
        index: bytes(TEXT9, "@Alice.test"),
        features: [{ $type: "app.bsky.richtext.facet#mention", did: DIDS.alice }],
      },
      { index: bytes(TEXT9, "#ACME"), features: [{ $type: "app.bsky.richtext.facet#tag", tag: "ACME" }] },
    ],
  }),
  // 10: dave likes alice's post too.
  commit(DIDS.dave, 10, "app.bsky.feed.like", "3kl3", "create", {
    $type: "app.bsky.feed.like",
    subject: { uri: P1, cid: "bafyreip1" },
    createdAt: iso(10),
  }),
];

/** The ids of the events, deduplicated (the like copies of P1 share its id). */
export const EVENT_IDS = [
  P1,
  uri(DIDS.bob, "app.bsky.feed.repost", "3kr1"),
  uri(DIDS.dave, "app.bsky.feed.post", "3kd1"),
  uri(DIDS.erin, "app.bsky.feed.post", "3ke1"),
  uri(DIDS.bob, "app.bsky.feed.post", "3kb2"),
].sort();

/** Records sent: 5 events and 2 like copies of P1. */
export const RECORDS_SENT = 7;
export const frameTime = at;
