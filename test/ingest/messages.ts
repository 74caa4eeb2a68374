import type { RawMessage, SentimentAnalyser, Source } from "../../ingest/types.ts";

/**
 * An X API v2 filtered-stream message as the stream sends it (tweet.fields created_at,
 * public_metrics, referenced_tweets, lang; expansions author_id, referenced_tweets.id(.author_id)),
 * numbered so tests can check exactly which tweets arrived. Every 3rd one retweets tweet `r<i>`.
 */
export function xMessage(i: number, o: { tag?: string; text?: string } = {}): string {
  const author = {
    id: `u${i % 7}`,
    username: `user${i % 7}`,
    public_metrics: { followers_count: 10 * (i % 7) },
  };
  const ref = {
    id: `r${i}`,
    author_id: "u99",
    text: "original",
    public_metrics: { retweet_count: 5, like_count: 9 },
  };
  const retweet = i % 3 === 0;
  return JSON.stringify({
    data: {
      id: String(1_000_000 + i),
      author_id: author.id,
      created_at: new Date(Date.UTC(2026, 10, 26, 4, 0, 0) + i * 1000).toISOString(),
      text: o.text ?? `tweet number ${i} about acme 🎉`,
      lang: "en",
      conversation_id: String(1_000_000 + i),
      public_metrics: { retweet_count: i % 5, like_count: i % 11, reply_count: 0, quote_count: 0 },
      ...(retweet ? { referenced_tweets: [{ type: "retweeted", id: ref.id }] } : {}),
    },
    includes: {
      users: [
        author,
        ...(retweet ? [{ id: "u99", username: "brand", public_metrics: { followers_count: 5000 } }] : []),
      ],
      ...(retweet ? { tweets: [ref] } : {}),
    },
    matching_rules: [{ id: "1", tag: o.tag ?? "acme" }],
  });
}

export const tweetId = (i: number): string => String(1_000_000 + i);

/** A source over a fixed list of messages. */
export function listSource(messages: readonly RawMessage[], name = "list"): Source {
  return {
    name,
    async *messages(signal) {
      for (const m of messages) {
        if (signal.aborted) return;
        yield m;
      }
    },
  };
}

/** A deterministic analyser for sink and pipeline tests (the real ones are tested by their own suites). */
export const lengthAnalyser: SentimentAnalyser = {
  name: "test",
  analyse: async (items) =>
    items.map(({ text }) =>
      text.includes("fail") ? null : { score: (text.length % 10) / 10, magnitude: 1 },
    ),
};
