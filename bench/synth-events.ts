import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { hourPrefix, type Window } from "../runtime/windows/index.ts";

/**
 * Synthetic v1 events for the Spark benchmarks: deterministic (a seeded PRNG, the same bytes every
 * run) and fast (strings built directly, ~1M lines in a few seconds). The mix resembles a busy
 * brand stream: 50k authors, 20% retweets, 10% replies and 5% quotes of recent tweets, one to three
 * rule tags, 10% unscored, a 600-word vocabulary.
 */
export interface SynthOptions {
  /** Root of the arrival-hour tree (`<root>/YYYY/MM/DD/HH/<object>`). */
  root: string;
  window: Window;
  events: number;
  seed?: number;
  /** Lines per object (Firehose objects of a few MiB). */
  perObject?: number;
  /** Prefix of ids, so several generated windows never share an id. */
  idPrefix?: string;
}

/** mulberry32: a tiny, fast, seedable PRNG (https://gist.github.com/tommyettinger/46a874533244883189143505d203312c). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  "ac",
  "me",
  "lo",
  "ra",
  "ti",
  "ba",
  "ne",
  "so",
  "ku",
  "pi",
  "da",
  "ve",
  "mo",
  "ri",
  "zu",
  "ta",
];
function vocabulary(rand: () => number): string[] {
  const out = new Set<string>();
  while (out.size < 600) {
    const n = 2 + Math.floor(rand() * 3);
    let w = "";
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    out.add(w);
  }
  return [...out, "the", "and", "with", "https://t.co/abc", "@someone", "#acme", "2026"];
}
const TOPICS = [["acme"], ["acme", "zeta"], ["zeta"], ["beta"], ["acme", "beta", "zeta"], []];

/** Writes `events` records created inside `window`, arriving 1–400 s later, by arrival hour. Returns the files. */
export function writeSyntheticWindow(o: SynthOptions): string[] {
  const rand = prng(o.seed ?? 1);
  const words = vocabulary(rand);
  const perObject = o.perObject ?? 50_000;
  const idPrefix = o.idPrefix ?? "";
  const span = o.window.end.getTime() - o.window.start.getTime();
  const files: string[] = [];
  const open = new Map<string, { fd: number; lines: number; part: number; buf: string[] }>();
  const flush = (f: { fd: number; buf: string[] }) => {
    if (f.buf.length) writeSync(f.fd, f.buf.join(""));
    f.buf = [];
  };
  const target = (arrival: number) => {
    const dir = join(o.root, hourPrefix(new Date(arrival)));
    let f = open.get(dir);
    if (!f || f.lines >= perObject) {
      if (f) {
        flush(f);
        closeSync(f.fd);
      }
      mkdirSync(dir, { recursive: true });
      const part = (f?.part ?? 0) + 1;
      const path = join(dir, `bench-${idPrefix || "w"}-${o.seed ?? 1}-${String(part).padStart(4, "0")}`);
      files.push(path);
      f = { fd: openSync(path, "w"), lines: 0, part, buf: [] };
      open.set(dir, f);
    }
    return f;
  };
  for (let i = 0; i < o.events; i++) {
    // Events spread evenly over the window (ordered), jittered within their slot.
    const created = o.window.start.getTime() + Math.floor(((i + rand()) / o.events) * span);
    const ingested = created + 1000 + Math.floor(rand() * 399_000);
    const author = Math.floor(rand() ** 2 * 50_000);
    const r = rand();
    const refType = i > 100 && r < 0.35 ? (r < 0.2 ? "retweeted" : r < 0.3 ? "replied_to" : "quoted") : null;
    const refIndex = refType ? i - 1 - Math.floor(rand() * Math.min(i - 1, 5000)) : -1;
    const refAuthor = refType ? Math.floor(rand() ** 2 * 50_000) : -1;
    const scored = rand() >= 0.1;
    const score = scored ? Math.round((rand() * 2 - 1) * 1000) / 1000 : null;
    const nWords = 5 + Math.floor(rand() * 12);
    let text = refType === "retweeted" ? `RT @u${refAuthor}:` : "";
    for (let k = 0; k < nWords; k++) text += ` ${words[Math.floor(rand() * words.length)]}`;
    const rules = TOPICS[Math.floor(rand() * TOPICS.length)]!;
    const f = target(ingested);
    f.buf.push(
      `{"v":1,"id":"${idPrefix}${i}","created_at":"${new Date(created).toISOString()}","ingested_at":"${new Date(ingested).toISOString()}",` +
        `"author_id":"${author}","author_username":"u${author}","author_followers":${Math.floor(rand() * rand() * 1e5)},` +
        `"text":"${text.trim()}","lang":"en","retweet_count":${Math.floor(rand() * 50)},"like_count":${Math.floor(rand() * 200)},` +
        `"reply_count":${Math.floor(rand() * 10)},"quote_count":${Math.floor(rand() * 5)},` +
        (refType
          ? `"ref_type":"${refType}","ref_id":"${idPrefix}${refIndex}","ref_author_id":"${refAuthor}","ref_author_username":"u${refAuthor}",` +
            `"ref_author_followers":${Math.floor(rand() * 1e5)},"ref_retweet_count":${Math.floor(rand() * 500)},"ref_like_count":${Math.floor(rand() * 900)},`
          : `"ref_type":null,"ref_id":null,"ref_author_id":null,"ref_author_username":null,"ref_author_followers":null,"ref_retweet_count":null,"ref_like_count":null,`) +
        `"rules":${JSON.stringify(rules)},"sentiment_score":${score},"sentiment_magnitude":${scored ? Math.round(rand() * 2000) / 1000 : null},` +
        `"sentiment_source":${scored ? '"vader"' : null}}\n`,
    );
    f.lines++;
    if (f.buf.length >= 2000) flush(f);
  }
  for (const f of open.values()) {
    flush(f);
    closeSync(f.fd);
  }
  return files;
}
