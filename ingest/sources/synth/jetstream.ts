import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { truthPathFor, truthText } from "./file.ts";
import { type SynthOptions, SynthStream, type SynthTruth } from "./generator.ts";

/**
 * The synthetic stream as recorded Jetstream frames (`trends synth --format bluesky`, and the
 * `bluesky-replay` demo): the same conversation, spelled as Bluesky's lexicons spell it. Originals,
 * replies and quotes become `app.bsky.feed.post` creates (facets from the entities, byte offsets),
 * retweets `app.bsky.feed.repost` creates, and every repost, reply and quote also likes the post it
 * answers (`app.bsky.feed.like`). Malformed lines stay malformed. Profiles go to a sidecar.
 */
type Obj = Record<string, unknown>;

const didOf = (xid: string) => `did:plc:synth${xid}`;
const postUri = (xid: string, author: string) => `at://${didOf(author)}/app.bsky.feed.post/3s${xid}`;

export interface JetstreamRecording {
  frames: string[];
  /** DID → handle and followers, as `FILE.profiles.json` holds them. */
  profiles: Record<string, { handle: string; followers: number }>;
}

function bytesOf(text: string, start: number, end: number): { byteStart: number; byteEnd: number } {
  const cps = [...text];
  const byteStart = Buffer.byteLength(cps.slice(0, start).join(""));
  return { byteStart, byteEnd: byteStart + Buffer.byteLength(cps.slice(start, end).join("")) };
}

function facetsOf(text: string, entities: unknown, users: Map<string, string>): Obj[] {
  const e = (entities ?? {}) as { hashtags?: Obj[]; mentions?: Obj[]; urls?: Obj[] };
  const f = (x: Obj, feature: Obj): Obj => ({
    index: bytesOf(text, x.start as number, x.end as number),
    features: [feature],
  });
  return [
    ...(e.mentions ?? []).map((m) =>
      f(m, {
        $type: "app.bsky.richtext.facet#mention",
        did: didOf(users.get(m.username as string) ?? String(m.username)),
      }),
    ),
    ...(e.hashtags ?? []).map((h) => f(h, { $type: "app.bsky.richtext.facet#tag", tag: h.tag })),
    ...(e.urls ?? []).map((u) => f(u, { $type: "app.bsky.richtext.facet#link", uri: u.expanded_url })),
  ];
}

/** Converts X API v2 messages of the synthetic stream; time_us = created_at + a sequence number. */
export function toJetstream(
  lines: Iterable<string>,
  users: Map<string, string> = new Map(),
): JetstreamRecording {
  const frames: string[] = [];
  const profiles: JetstreamRecording["profiles"] = {};
  let lastUs = 0;
  for (const line of lines) {
    let m: Obj;
    try {
      m = JSON.parse(line) as Obj;
    } catch {
      frames.push(line);
      continue;
    }
    const d = m.data as Obj | undefined;
    const created = typeof d?.created_at === "string" ? Date.parse(d.created_at) : Number.NaN;
    const includes = (m.includes ?? {}) as { users?: Obj[]; tweets?: Obj[] };
    const author = includes.users?.find((u) => u.id === d?.author_id);
    if (!d || Number.isNaN(created) || !author || typeof d.text !== "string") {
      frames.push(line);
      continue;
    }
    for (const u of includes.users ?? []) {
      users.set(String(u.username), String(u.id));
      const pm = u.public_metrics as { followers_count?: number } | undefined;
      profiles[didOf(String(u.id))] = {
        handle: `${u.username}.bsky.social`.toLowerCase(),
        followers: pm?.followers_count ?? 0,
      };
    }
    const usAt = () => (lastUs = Math.max(lastUs + 1, created * 1000));
    const did = didOf(String(d.author_id));
    const createdAt = new Date(created).toISOString();
    const ref = (d.referenced_tweets as Obj[] | undefined)?.[0];
    const refTweet = ref ? includes.tweets?.find((t) => t.id === ref.id) : undefined;
    const refUri = ref && refTweet ? postUri(String(ref.id), String(refTweet.author_id)) : undefined;
    const commit = (collection: string, rkey: string, record: Obj) =>
      frames.push(
        JSON.stringify({
          did,
          time_us: usAt(),
          kind: "commit",
          commit: {
            rev: `3r${rkey}`,
            operation: "create",
            collection,
            rkey,
            record: { $type: collection, ...record },
            cid: `bafy${rkey}`,
          },
        }),
      );
    if (ref?.type === "retweeted" && refUri) {
      commit("app.bsky.feed.repost", `3r${d.id}`, { subject: { uri: refUri, cid: "bafy" }, createdAt });
    } else {
      const text = d.text.replace(/&(amp|lt|gt);/g, (_, x: string) =>
        x === "amp" ? "&" : x === "lt" ? "<" : ">",
      );
      const record: Obj = { text, createdAt, langs: typeof d.lang === "string" ? [d.lang] : [] };
      const facets = facetsOf(text, d.entities, users);
      if (facets.length > 0) record.facets = facets;
      if (ref?.type === "replied_to" && refUri)
        record.reply = { root: { uri: refUri, cid: "bafy" }, parent: { uri: refUri, cid: "bafy" } };
      if (ref?.type === "quoted" && refUri)
        record.embed = { $type: "app.bsky.embed.record", record: { uri: refUri, cid: "bafy" } };
      commit("app.bsky.feed.post", `3s${d.id}`, record);
    }
    if (refUri)
      commit("app.bsky.feed.like", `3l${d.id}`, { subject: { uri: refUri, cid: "bafy" }, createdAt });
  }
  return { frames, profiles };
}

/**
 * Writes the synthetic stream as Jetstream frames to `file`, the profiles to `profilesFile` and
 * the truth beside `file`, as `writeSynthFile` does (the frames tell the same conversation).
 */
export function writeJetstreamFile(options: SynthOptions, file: string, profilesFile: string): SynthTruth {
  const stream = new SynthStream(options);
  const { frames, profiles } = toJetstream(stream.lines());
  const fd = openSync(file, "w");
  try {
    for (let i = 0; i < frames.length; i += 1000) writeSync(fd, `${frames.slice(i, i + 1000).join("\n")}\n`);
  } finally {
    closeSync(fd);
  }
  writeFileSync(profilesFile, `${JSON.stringify(profiles)}\n`);
  const truth = stream.result();
  writeFileSync(truthPathFor(file), truthText(truth));
  return truth;
}
