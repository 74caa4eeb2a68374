import { expect } from "vitest";
import type { DemoSpan, DemoSummary } from "../../demo/index.ts";
import { crisisHashtag, type SynthTruth } from "../../ingest/index.ts";

/**
 * The end-to-end checks against the synthetic generator's known truth, shared by the local and
 * the AWS path: counts add up, the seeded influencer of each topic is first, and exactly the
 * crisis window of the crisis topic alerts.
 */
export function expectTruth(
  r: { truth: SynthTruth; span: DemoSpan; summary: DemoSummary; ingested: number; badMessages: number },
  crisisTopic: string,
): void {
  expect(r.badMessages).toBe(r.truth.corrupted);
  expect(r.ingested).toBe(r.truth.tweets);
  expect(r.summary.tweets).toBe(r.truth.counts["*"]);

  for (const [topic, top] of Object.entries(r.truth.topInfluencer)) {
    expect(r.summary.influencers[topic]?.[0]?.authorId, `top influencer of ${topic}`).toBe(top.author_id);
  }

  // Synth tags a text with its topic's name (#topic), maybe an everyday tag, and in the crisis
  // mostly the crisis tag: the entities reach hashtag_window, and the summary names them, most
  // used first.
  expect(r.summary.hashtags.length).toBeGreaterThan(0);
  expect(r.summary.hashtags.map((h) => h.tag)).toContain(crisisTopic);
  const counts = r.summary.hashtags.map((h) => h.count);
  expect(counts).toEqual([...counts].sort((a, b) => b - a));

  // The crisis window alerts, for the crisis topic at least, and no other window does. Other
  // topics may alert in that window too: `*` includes the crisis topic, and tweets matching
  // several rules carry the crisis into the other topics' averages.
  const crisis = r.span.crisisAt.toISOString();
  const alerts = r.summary.alerts.map((a) => ({ window: a.window_start.toISOString(), topic: a.topic }));
  expect(alerts).toContainEqual({ window: crisis, topic: crisisTopic });
  expect(alerts.filter((a) => a.window !== crisis)).toEqual([]);

  // The crisis tag trends in the crisis window of the crisis topic: new, well over 20 posts.
  const trending = r.summary.trending.map((a) => ({
    window: a.window_start.toISOString(),
    topic: a.topic,
    tag: a.entity,
    new: a.details.new,
  }));
  expect(trending).toContainEqual({
    window: crisis,
    topic: crisisTopic,
    tag: crisisHashtag(crisisTopic),
    new: true,
  });

  for (const p of r.summary.sentiment) {
    const expected = r.truth.windows[p.windowStart.toISOString()]?.[crisisTopic] ?? 0;
    expect(p.nTweets, `tweets of ${crisisTopic} in ${p.windowStart.toISOString()}`).toBe(expected);
  }
}
