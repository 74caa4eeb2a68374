import { alertMath, baseline } from "../spec/alert-kind.ts";
import type { CaseEvent } from "../spec/cases.ts";
import { define } from "../spec/define.ts";
import { hashtagWindow } from "./hashtag-window.ts";

const { atLeast, greatest, times, when } = alertMath;

/** A tag needs at least this many posts in the window to trend. */
const MIN_POSTS = 20;

/**
 * docs/contracts.md "Trending hashtag alert": per (topic, tag), baseline = the tag's count in the
 * previous 8 windows where the topic has hashtag_window rows (0 where the tag has none), at least
 * 4 such windows. Alert when count ≥ 20 and count ≥ 3·mean (a new tag, mean 0, at 20 posts);
 * critical when count ≥ 5·mean, or for a new tag count ≥ 50.
 */
export const trendingHashtagAlert = define.alert(import.meta.url, {
  name: "trending_hashtag_alert",
  description: "a hashtag taking off: used far more than in the topic's recent windows, or new",
  baseline: baseline(hashtagWindow, "count", 8, { min: 4 }),
  columns: (w, b) => ({
    count: w.count,
    baseline_mean: b.mean,
    baseline_windows: b.count,
    new: b.new,
  }),
  levels: (w, b) => ({
    warning: atLeast(w.count, greatest(MIN_POSTS, times(3, b.mean))),
    critical: atLeast(w.count, when(b.new, 50, times(5, b.mean))),
  }),
});

/** `n` original posts in `window`, each using `hashtags` (topic acme, so rows for acme and *). */
const posts = (n: number, window: number, hashtags: string[]): CaseEvent[] =>
  Array.from({ length: n }, () => ({ window, hashtags }));

/*
 * Hand-worked (topic acme; every post is in * too, with the same counts):
 * "3× the mean, and new": windows 0–3 have 5 #acme posts each → the topic's history is 4 windows.
 *   W4: 20 posts #acme #recall, 19 #launch.
 *   acme: values 5,5,5,5 → mean 5; 20 ≥ max(20, 15) → warning; 20 < 5·5 = 25 → not critical.
 *   recall: no row in 0–3 → new, values 0,0,0,0 → mean 0; 20 ≥ max(20, 0) → warning; new and
 *   20 < 50 → not critical. launch: 19 < 20 → nothing.
 * "5× the mean, new at 50, absent windows count as 0": windows 0–3 have 4 #acme posts each, and
 *   window 1 two #shoes posts. W4: 20 posts #acme #shoes, 50 #crisis.
 *   acme: mean 4; 20 ≥ max(20, 12) and 20 ≥ 5·4 = 20 → critical, threshold 20.
 *   shoes: values 0,2,0,0 → mean 0.5, seen in 1 window, not new; 20 ≥ max(20, 1.5), 20 ≥ 2.5 →
 *   critical, threshold 2.5. crisis: new, 50 ≥ 50 → critical, threshold 50.
 * "too little history": windows 0, 1, 2 have one #acme post each, window 3 none (a quiet slot
 *   shrinks the history): W4's 30 #boom posts have 3 windows of history < 4 → no alert.
 */
export const trendingHashtagAlertCases = define.cases(import.meta.url, trendingHashtagAlert, [
  {
    name: "a tag at 3× its mean, and a new tag, at 20 posts",
    given: [
      ...[0, 1, 2, 3].flatMap((w) => posts(5, w, ["acme"])),
      ...posts(20, 4, ["acme", "recall"]),
      ...posts(19, 4, ["launch"]),
    ],
    where: { topic: "acme" },
    expect: [
      {
        tag: "acme",
        severity: "warning",
        count: 20,
        baseline_mean: 5,
        baseline_windows: 4,
        new: false,
        threshold: 20,
        rule: "max(20, 3·baseline_mean)",
      },
      {
        tag: "recall",
        severity: "warning",
        count: 20,
        baseline_mean: 0,
        baseline_windows: 4,
        new: true,
        threshold: 20,
        rule: "max(20, 3·baseline_mean)",
      },
    ],
  },
  {
    name: "critical at 5× the mean or new at 50; a window without the tag counts as 0",
    given: [
      ...[0, 1, 2, 3].flatMap((w) => posts(4, w, ["acme"])),
      ...posts(2, 1, ["shoes"]),
      ...posts(20, 4, ["acme", "shoes"]),
      ...posts(50, 4, ["crisis"]),
    ],
    where: { topic: "acme" },
    expect: [
      {
        tag: "acme",
        severity: "critical",
        count: 20,
        baseline_mean: 4,
        baseline_windows: 4,
        new: false,
        threshold: 20,
        rule: "50 if new, else 5·baseline_mean",
      },
      {
        tag: "shoes",
        severity: "critical",
        count: 20,
        baseline_mean: 0.5,
        baseline_windows: 4,
        new: false,
        threshold: 2.5,
        rule: "50 if new, else 5·baseline_mean",
      },
      {
        tag: "crisis",
        severity: "critical",
        count: 50,
        baseline_mean: 0,
        baseline_windows: 4,
        new: true,
        threshold: 50,
        rule: "50 if new, else 5·baseline_mean",
      },
    ],
  },
  {
    name: "fewer than 4 windows of the topic's history: no alert",
    given: [...[0, 1, 2].flatMap((w) => posts(1, w, ["acme"])), ...posts(30, 4, ["boom"])],
    expect: [],
  },
]);
