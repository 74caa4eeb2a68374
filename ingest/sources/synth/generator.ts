import { windowContaining } from "../../../runtime/windows/index.ts";
import { CONSTANTS } from "../../../sparkgen/generated/constants.ts";
import { noEntities, type TextEntities, xEntities } from "./entities.ts";
import { Rng } from "./prng.ts";
import { EMOJI, EN, handle, LANGS, OPENERS, OTHER, type Polarity } from "./vocabulary.ts";

/** The catch-all topic every event counts in (the job spec's `topics.all`). */
const ALL: string = CONSTANTS.job.allTopics;

export interface SynthOptions {
  /** Valid tweets to generate (corrupted lines come on top). */
  tweets: number;
  seed: number | string;
  /** First possible created_at. */
  start: Date;
  /** Length of the stream in minutes; created_at lies in [start, start + minutes). */
  minutes: number;
  /** Rule tags (topics); default acme, globex, initech. */
  topics?: readonly string[];
  /** From this instant on, sentiment about `crisisTopic` turns negative. */
  crisisAt?: Date;
  crisisTopic?: string;
  /** Malformed lines mixed in at seeded places (normalise rejects each one): cut-off JSON, missing
   * fields, an HTML error page, an author missing from includes, a text over 25,000 characters. */
  corrupt?: number;
  /** Window size for the per-window counts of the truth (default: the job spec's window). */
  windowMinutes?: number;
}

/** What the end-to-end tests check results against: known by construction. */
export interface SynthTruth {
  seed: string;
  tweets: number;
  start: string;
  end: string;
  topics: string[];
  /** Records per topic tag, and `*` for all. */
  counts: Record<string, number>;
  /** Records per window start (ISO) and topic (`*` included). */
  windows: Record<string, Record<string, number>>;
  /** The author made dominant per topic (followers, retweets and cascade depth). */
  topInfluencer: Record<string, { author_id: string; username: string; followers: number }>;
  kinds: { original: number; retweeted: number; replied_to: number; quoted: number };
  languages: Record<string, number>;
  crisis: { at: string; topic: string } | null;
  /** Malformed lines written, and their 1-based line numbers. */
  corrupted: number;
  corruptedLines: number[];
  lines: number;
}

interface User {
  id: string;
  username: string;
  followers: number;
}

interface Tweet {
  id: string;
  author: User;
  topics: string[];
  text: string;
  entities: TextEntities;
  createdAt: string;
  lang: string;
  kind: "original" | "retweeted" | "replied_to" | "quoted";
  rt: number;
  likes: number;
  replies: number;
  quotes: number;
}

const DEFAULT_TOPICS = ["acme", "globex", "initech"] as const;
const MINUTE = 60_000;
const RING = 200;

/** A bounded "recent tweets" list: targets of retweets and replies come from here. */
class Ring<T> {
  private items: T[] = [];
  private at = 0;
  push(x: T): void {
    if (this.items.length < RING) this.items.push(x);
    else this.items[this.at] = x;
    this.at = (this.at + 1) % RING;
  }
  pick(rng: Rng): T | undefined {
    return this.items.length === 0 ? undefined : rng.pick(this.items);
  }
}

const brand = (topic: string) => topic.charAt(0).toUpperCase() + topic.slice(1);

/** Everyday tags a text may add besides its topic's, in every topic and window: a steady baseline. */
const EVERYDAY_TAGS = ["news", "tech", "deals", "support", "review"] as const;

/** The hashtag the crisis brings: never used before `crisisAt`, then on most of the topic's texts. */
export const crisisHashtag = (topic: string): string => `boycott${topic}`;
const metrics = (t: Tweet) => ({
  retweet_count: t.rt,
  reply_count: t.replies,
  like_count: t.likes,
  quote_count: t.quotes,
});

/**
 * Generates a realistic, reproducible X filtered stream: X API v2 messages (`data`, `includes`,
 * `matching_rules`) in created_at order. The model:
 * - users with lognormal followers (median ≈ 150, a heavy tail capped at 2M), picked with a
 *   skewed activity so some post a lot;
 * - per topic one dominant author (3M+ followers) who posts at the start of every window and whom
 *   a third of the topic's retweets, replies and quotes target, so it ranks first everywhere;
 * - 40 % originals, 35 % retweets, 15 % replies, 10 % quotes; replies and quotes often answer a
 *   recent reply or quote, which builds cascades several levels deep;
 * - 82 % English, the rest es/fr/de/pt/ja; emoji, #hashtags, @mentions and links;
 * - after `crisisAt`, 75 % of the crisis topic's new texts are negative (20 % before), and 60 %
 *   carry the crisis hashtag (`crisisHashtag`), which trends.
 *
 * Hashtags besides the topic's own (everyday tags, the crisis tag) are drawn from a stream of
 * their own (`tags`), so adding them left every other draw, and so every tweet's topic, kind,
 * author, language and sentiment, as it was.
 */
export class SynthStream {
  private readonly rng: Rng;
  private readonly tags: Rng;
  private readonly topics: string[];
  private readonly users: User[];
  private readonly influencers = new Map<string, User>();
  private readonly influencerTweets = new Map<string, Tweet[]>();
  private readonly recent = new Map<string, Ring<Tweet>>();
  private readonly threads = new Map<string, Ring<Tweet>>();
  private readonly truth: SynthTruth;
  private readonly corruptAt: Set<number>;

  constructor(private readonly o: SynthOptions) {
    this.rng = new Rng(o.seed);
    this.tags = new Rng(`${o.seed}/hashtags`);
    this.topics = [...(o.topics ?? DEFAULT_TOPICS)];
    const nUsers = Math.max(30, Math.min(200_000, Math.ceil(o.tweets / 6)));
    this.users = Array.from({ length: nUsers }, (_, i) => ({
      id: String(2_000_000_000 + i * 7),
      username: handle(i, () => this.rng.next()),
      followers: Math.min(2_000_000, Math.floor(Math.exp(5 + 1.8 * this.rng.normal()))),
    }));
    this.topics.forEach((t, k) => {
      const u = { id: String(1_000_000 + k), username: `${t}_insider`, followers: 3_000_000 + k * 250_000 };
      this.influencers.set(t, u);
      this.influencerTweets.set(t, []);
      this.recent.set(t, new Ring());
      this.threads.set(t, new Ring());
    });
    const corrupt = o.corrupt ?? 0;
    // A separate stream for corruption, so the valid tweets are the same with or without it.
    const crng = new Rng(`${o.seed}/corrupt`);
    const total = o.tweets + corrupt;
    this.corruptAt = new Set();
    while (this.corruptAt.size < Math.min(corrupt, total)) this.corruptAt.add(crng.int(total));
    this.truth = {
      seed: String(o.seed),
      tweets: o.tweets,
      start: o.start.toISOString(),
      end: new Date(o.start.getTime() + o.minutes * MINUTE).toISOString(),
      topics: this.topics,
      counts: Object.fromEntries([ALL, ...this.topics].map((t) => [t, 0])),
      windows: {},
      topInfluencer: Object.fromEntries(
        [...this.influencers].map(([t, u]) => [
          t,
          { author_id: u.id, username: u.username, followers: u.followers },
        ]),
      ),
      kinds: { original: 0, retweeted: 0, replied_to: 0, quoted: 0 },
      languages: {},
      crisis: o.crisisAt && o.crisisTopic ? { at: o.crisisAt.toISOString(), topic: o.crisisTopic } : null,
      corrupted: this.corruptAt.size,
      corruptedLines: [...this.corruptAt].sort((a, b) => a - b).map((i) => i + 1),
      lines: total,
    };
  }

  /** The truth so far; complete once `lines()` has been consumed. */
  result(): SynthTruth {
    return this.truth;
  }

  /** Every line of the stream (JSON texts without CRLF), valid and corrupted, in order. */
  *lines(): Generator<string> {
    const times = this.times();
    let line = 0;
    let tweet = 0;
    let lastWindow = -1;
    const windowMs = (this.o.windowMinutes ?? CONSTANTS.job.windowMinutes) * MINUTE;
    const pendingInfluencers: string[] = [];
    while (tweet < this.o.tweets) {
      if (this.corruptAt.has(line++)) {
        yield this.corrupted(line);
        continue;
      }
      const t = times[tweet]!;
      const w = Math.floor(t / windowMs);
      if (w !== lastWindow) {
        lastWindow = w;
        pendingInfluencers.push(...this.topics);
      }
      const id = String(1_900_000_000_000_000_000n + BigInt(tweet));
      tweet++;
      const forced = pendingInfluencers.shift();
      yield JSON.stringify(this.tweet(id, t, forced));
    }
    while (line < this.truth.lines) {
      line++;
      yield this.corrupted(line);
    }
  }

  /** N sorted instants in [start, end), at whole seconds like X's created_at. */
  private times(): Float64Array {
    const n = this.o.tweets;
    const gaps = new Float64Array(n + 1);
    let sum = 0;
    for (let i = 0; i <= n; i++) sum += gaps[i] = this.rng.exponential();
    const out = new Float64Array(n);
    const span = this.o.minutes * MINUTE;
    const t0 = this.o.start.getTime();
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += gaps[i]!;
      out[i] = Math.min(t0 + span - 1000, Math.floor((t0 + (acc / sum) * span) / 1000) * 1000);
    }
    return out;
  }

  private topicWeights(at: number): number[] {
    const crisis = this.o.crisisAt && at >= this.o.crisisAt.getTime() ? this.o.crisisTopic : undefined;
    // Earlier topics are busier; a topic in crisis gets twice the chatter.
    return this.topics.map((t, i) => (1 / (1 + 0.4 * i)) * (t === crisis ? 2 : 1));
  }

  private polarity(topic: string, at: number): Polarity {
    const crisis = this.o.crisisAt && topic === this.o.crisisTopic && at >= this.o.crisisAt.getTime();
    const [pos, neu] = crisis ? [0.08, 0.17] : [0.45, 0.35];
    const r = this.rng.next();
    return r < pos ? "pos" : r < pos + neu ? "neu" : "neg";
  }

  private text(topic: string, at: number, lang: string): { text: string; entities: TextEntities } {
    const entities = noEntities();
    const pol = this.polarity(topic, at);
    const phrases = lang === "en" ? EN[pol] : OTHER[lang]![pol];
    let s = this.rng.pick(phrases).replace("{b}", brand(topic));
    if (lang === "en") s = this.rng.pick(OPENERS) + s;
    if (this.rng.chance(0.4)) s += ` ${this.rng.pick(EMOJI[pol])}`;
    if (this.rng.chance(0.3)) {
      s += ` #${topic}`;
      entities.hashtags.push(topic);
    }
    if (this.rng.chance(0.2)) {
      const username = this.rng.pick(this.users).username;
      s = `@${username} ${s}`;
      entities.mentions.push(username);
    }
    if (this.rng.chance(0.15)) {
      const code = this.rng.int(36 ** 8).toString(36);
      s += ` https://t.co/${code}`;
      // The reserved .example domain: links look real but lead nowhere.
      entities.urls.push({ url: `https://t.co/${code}`, expanded: `https://www.${topic}.example/p/${code}` });
    }
    if (this.rng.chance(0.05)) s += " &amp; more";
    for (const tag of this.extraTags(topic, at)) {
      s += ` #${tag}`;
      entities.hashtags.push(tag);
    }
    return { text: s, entities };
  }

  /** Hashtags after the topic's own: maybe an everyday one; in the crisis, mostly the crisis tag. */
  private extraTags(topic: string, at: number): string[] {
    const out: string[] = [];
    if (this.tags.chance(0.3)) out.push(this.tags.pick(EVERYDAY_TAGS));
    const crisis = this.o.crisisAt && topic === this.o.crisisTopic && at >= this.o.crisisAt.getTime();
    if (crisis && this.tags.chance(0.6)) out.push(crisisHashtag(topic));
    return out;
  }

  private author(): User {
    const u = this.rng.next();
    return this.users[Math.floor(this.users.length * u * u)]!;
  }

  private target(topic: string, kind: Tweet["kind"]): Tweet | undefined {
    const own = this.influencerTweets.get(topic)!;
    if (own.length > 0 && this.rng.chance(0.34))
      return own[own.length - 1 - this.rng.int(Math.min(3, own.length))];
    if (kind !== "retweeted" && this.rng.chance(0.5)) {
      const deep = this.threads.get(topic)!.pick(this.rng);
      if (deep) return deep;
    }
    return this.recent.get(topic)!.pick(this.rng);
  }

  private tweet(id: string, at: number, influencerTopic: string | undefined): object {
    const createdAt = new Date(at).toISOString();
    let kind: Tweet["kind"] = "original";
    let topic = influencerTopic ?? this.topics[this.rng.weighted(this.topicWeights(at))]!;
    let ref: Tweet | undefined;
    if (influencerTopic === undefined) {
      const r = this.rng.next();
      kind = r < 0.4 ? "original" : r < 0.75 ? "retweeted" : r < 0.9 ? "replied_to" : "quoted";
      if (kind !== "original") {
        ref = this.target(topic, kind);
        if (!ref) kind = "original";
      }
    }
    let author = influencerTopic ? this.influencers.get(influencerTopic)! : this.author();
    if (ref && ref.author.id === author.id)
      author = this.users[0]!.id === ref.author.id ? this.users[1]! : this.users[0]!;
    const lang =
      kind === "retweeted" && ref ? ref.lang : LANGS[this.rng.weighted(LANGS.map((l) => l[1]))]![0];
    let topics: string[];
    if (ref) {
      topics = ref.topics;
      topic = ref.topics[0]!;
    } else {
      topics = [topic];
      if (this.topics.length > 1 && this.rng.chance(0.1)) {
        const other = this.rng.pick(this.topics);
        if (other !== topic) topics.push(other);
      }
    }
    // A retweet carries the original's text and entities behind "RT @author:", as X sends it.
    const { text, entities } =
      kind === "retweeted" && ref
        ? {
            text: `RT @${ref.author.username}: ${ref.text}`,
            entities: { ...ref.entities, mentions: [ref.author.username, ...ref.entities.mentions] },
          }
        : this.text(topic, at, lang);
    const t: Tweet = {
      id,
      author,
      topics,
      text,
      entities,
      createdAt,
      lang,
      kind,
      rt: 0,
      likes: 0,
      replies: 0,
      quotes: 0,
    };

    if (ref) {
      // Engagement reaches the referenced tweet first: the stream reports its counts as of now,
      // including engagement from outside the matched stream (proportional to the followers).
      if (kind === "retweeted") ref.rt += 1 + Math.floor(ref.author.followers / 200_000);
      if (kind === "replied_to") ref.replies++;
      if (kind === "quoted") ref.quotes++;
      ref.likes += 1 + this.rng.int(3) + Math.floor(ref.author.followers / 100_000);
    }
    this.count(t, at);
    if (kind !== "retweeted") {
      this.recent.get(topic)!.push(t);
      if (kind !== "original") this.threads.get(topic)!.push(t);
      if (influencerTopic) this.influencerTweets.get(influencerTopic)!.push(t);
    }

    const users = [author];
    if (ref && ref.author.id !== author.id) users.push(ref.author);
    const data: Record<string, unknown> = {
      id,
      text,
      author_id: author.id,
      created_at: createdAt,
      lang,
      conversation_id: id,
      // A retweet's public metrics are the original's (how X reports them).
      public_metrics: kind === "retweeted" && ref ? metrics(ref) : metrics(t),
      edit_history_tweet_ids: [id],
    };
    const xe = xEntities(text, entities);
    if (xe) data.entities = xe;
    if (ref) data.referenced_tweets = [{ type: kind, id: ref.id }];
    return {
      data,
      includes: {
        users: users.map((u) => ({
          id: u.id,
          name: u.username,
          username: u.username,
          public_metrics: {
            followers_count: u.followers,
            following_count: 100,
            tweet_count: 1000,
            listed_count: 1,
          },
        })),
        ...(ref
          ? {
              tweets: [
                {
                  id: ref.id,
                  text: ref.text,
                  author_id: ref.author.id,
                  created_at: ref.createdAt,
                  lang: ref.lang,
                  public_metrics: metrics(ref),
                },
              ],
            }
          : {}),
      },
      matching_rules: topics.map((tag) => ({
        id: String(1_700_000_000_000 + this.topics.indexOf(tag)),
        tag,
      })),
    };
  }

  private count(t: Tweet, at: number): void {
    const truth = this.truth;
    const key = windowContaining(
      new Date(at),
      this.o.windowMinutes ?? CONSTANTS.job.windowMinutes,
    ).start.toISOString();
    truth.windows[key] ??= { [ALL]: 0 };
    const w = truth.windows[key]!;
    truth.counts[ALL]!++;
    w[ALL]!++;
    for (const topic of t.topics) {
      truth.counts[topic]!++;
      w[topic] = (w[topic] ?? 0) + 1;
    }
    truth.kinds[t.kind]++;
    truth.languages[t.lang] = (truth.languages[t.lang] ?? 0) + 1;
  }

  private corrupted(line: number): string {
    switch (line % 5) {
      case 4:
        return JSON.stringify({
          data: {
            id: `bad${line}`,
            text: "spam ".repeat(5_001),
            author_id: this.users[0]!.id,
            created_at: this.truth.start,
            public_metrics: { retweet_count: 0, like_count: 0, reply_count: 0, quote_count: 0 },
          },
          includes: {
            users: [
              {
                id: this.users[0]!.id,
                username: this.users[0]!.username,
                public_metrics: { followers_count: 1 },
              },
            ],
          },
        });
      case 0:
        return '{"data":{"id":"1","text":"cut off in the midd';
      case 1:
        return JSON.stringify({ data: { id: `bad${line}`, text: "no author, no time" }, includes: {} });
      case 2:
        return "<html>502 Bad Gateway</html>";
      default:
        return JSON.stringify({
          data: {
            id: `bad${line}`,
            text: "author missing from includes",
            author_id: "404",
            created_at: this.truth.start,
            public_metrics: { retweet_count: 0, like_count: 0, reply_count: 0, quote_count: 0 },
          },
          includes: { users: [] },
        });
    }
  }
}
