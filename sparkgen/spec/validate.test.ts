import { describe, expect, it } from "vitest";
import { isTrendsError } from "../../runtime/errors/index.ts";
import { e } from "../specs/events.ts";
import {
  influencerWindow,
  sentimentAlert,
  sentimentWindow,
  trendingHashtagAlert,
  windowJob,
  wordWindow,
} from "../specs/index.ts";
import { type AlertSpec, alertMath, alertProblems } from "./alert-kind.ts";
import type { JobSpec, MetricSpec } from "./kinds.ts";
import type { Dimension } from "./metric-dsl.ts";
import { assertValidJob, specProblems } from "./validate.ts";

const withMetrics = (metrics: MetricSpec[], extra: Partial<JobSpec> = {}): JobSpec => ({
  ...windowJob,
  ...extra,
  metrics,
});

function failure(job: JobSpec): { message: string; fix: string | undefined; exitCode: number } {
  try {
    assertValidJob(job);
  } catch (e) {
    if (isTrendsError(e)) return { message: e.message, fix: e.fix, exitCode: e.exitCode };
    throw e;
  }
  throw new Error("expected a validation error");
}

describe("spec validation (what types cannot catch)", () => {
  it("accepts the shipped job", () => {
    expect(specProblems(windowJob)).toEqual([]);
  });

  it("rejects weights that do not sum to 1, naming file, field and fix", () => {
    const bad = { ...influencerWindow, weights: { ...influencerWindow.weights, depth: 0.1 } };
    expect(failure(withMetrics([sentimentWindow, bad]))).toEqual({
      message: "sparkgen/specs/influencer-window.ts: weights sum to 0.95, not 1",
      fix: "adjust the weights so that they sum to 1",
      exitCode: 2,
    });
  });

  it("rejects a window size that does not divide a day", () => {
    expect(failure(withMetrics([sentimentWindow], { windowMinutes: 7 }))).toMatchObject({
      message: "sparkgen/specs/window-job.ts: windowMinutes is 7, which does not divide a day",
      fix: "use a divisor of 1440 such as 5, 15, 30 or 60",
    });
  });

  it("rejects a measure of the metric kind in an aggregate (its per-record column is the metric kind's)", () => {
    const bad = {
      ...sentimentWindow,
      measures: { ...sentimentWindow.measures, reach: e.sumOnce("author_followers", "author_id") },
    };
    expect(failure(withMetrics([bad]))).toEqual({
      message:
        "sparkgen/specs/sentiment-window.ts: measures.reach is a sum over distinct entities, a measure of the metric kind",
      fix: "declare the metric with define.metric",
      exitCode: 2,
    });
  });

  it("rejects duplicate metric names", () => {
    expect(failure(withMetrics([sentimentWindow, sentimentWindow])).message).toBe(
      'sparkgen/specs/sentiment-window.ts: name "sentiment_window" is used by two metrics of sparkgen/specs/window-job.ts',
    );
  });

  it("rejects identifiers Spark or PostgreSQL cannot take", () => {
    const bad = { ...wordWindow, name: "word-window" };
    expect(failure(withMetrics([bad])).message).toBe(
      'sparkgen/specs/word-window.ts: name "word-window" is not lower_snake_case (letters a-z, digits, _; not starting with a digit)',
    );
    const long = { ...wordWindow, name: "w".repeat(64) };
    expect(failure(withMetrics([long])).message).toBe(
      `sparkgen/specs/word-window.ts: name "${"w".repeat(64)}" is longer than 63 characters`,
    );
    const measure = {
      ...sentimentWindow,
      measures: { ...sentimentWindow.measures, "Avg Score": sentimentWindow.measures.avg_score },
    };
    expect(failure(withMetrics([measure])).message).toMatch(
      /^sparkgen\/specs\/sentiment-window.ts: measures.Avg Score "Avg Score" is not/,
    );
  });

  it("rejects an alert that reads a metric the job does not compute first", () => {
    expect(failure(withMetrics([sentimentAlert, sentimentWindow]))).toMatchObject({
      message:
        "sparkgen/specs/sentiment-alert.ts: baseline reads sentiment_window, which the job does not compute before it",
      fix: "export sentiment_window from its spec module, not as a draft (the job orders metrics by what they read)",
    });
  });

  it("rejects a baseline longer than its windows and a key column among the alert columns, counting further problems", () => {
    const bad = {
      ...sentimentAlert,
      baseline: { ...sentimentAlert.baseline, min: 9 },
      columns: { ...sentimentAlert.columns, topic: sentimentAlert.columns.drop! },
    };
    expect(failure(withMetrics([sentimentWindow, bad])).message).toBe(
      "sparkgen/specs/sentiment-alert.ts: baseline min is 9 (and 1 more problem)",
    );
  });

  it("rejects what a trend baseline cannot do, and alert columns named like the stored bound or the entity", () => {
    const { atLeast } = alertMath;
    const trend = trendingHashtagAlert;
    const problems = (spec: AlertSpec) =>
      alertProblems(spec, ["hashtag_window", "sentiment_window"]).map((p) => `${p.field}: ${p.problem}`);
    expect(problems(trend)).toEqual([]);
    // where filters windows of the topic, which a per-entity baseline cannot say; new needs an entity.
    const where = {
      ...trend,
      baseline: { ...trend.baseline, where: atLeast({ op: "current", column: "count" }, 2) },
    };
    expect(problems(where)).toEqual([
      "baseline where: is not supported over a metric with dimensions (hashtag_window: tag)",
    ]);
    const newOnAggregate = {
      ...sentimentAlert,
      columns: { ...sentimentAlert.columns, fresh: { op: "new" as const } },
    };
    expect(problems(newOnAggregate)).toEqual([
      "levels: read new or seen, which need a metric with dimensions (sentiment_window has none)",
    ]);
    const endsWithNew = {
      ...trend,
      levels: { ...trend.levels, critical: alertMath.and(trend.levels.critical, { op: "new" as const }) },
    };
    expect(problems(endsWithNew)).toEqual([
      "levels.critical: does not end with a comparison (its right side is the threshold every row stores)",
    ]);
    const named = {
      ...trend,
      columns: { ...trend.columns, tag: trend.columns.count!, rule: trend.columns.count! },
    };
    expect(problems(named)).toEqual([
      "columns.tag: is a key column of the alert",
      "columns.rule: is stored by every alert (the bound its severity crossed)",
    ]);
  });

  it("rejects bad stop words, token rules and top N", () => {
    const words = (word: Dimension) => ({ ...wordWindow, dimensions: { word } });
    const stop = (w: readonly string[]) => words(e.without(wordWindow.dimensions.word, w));
    expect(failure(withMetrics([stop(["The"])])).message).toBe(
      'sparkgen/specs/word-window.ts: dimensions.word.without has "The", which the lower-cased values never equal',
    );
    expect(failure(withMetrics([stop(["the"])])).message).toBe(
      'sparkgen/specs/word-window.ts: dimensions.word.without lists "the" twice',
    );
    expect(failure(withMetrics([stop(["two words"])])).message).toBe(
      'sparkgen/specs/word-window.ts: dimensions.word.without has "two words"',
    );
    const rules = { tokenChars: "\\p{L}", minLength: 0, drop: ["(unclosed"] };
    expect(failure(withMetrics([words(e.tokens("text", rules))])).message).toBe(
      "sparkgen/specs/word-window.ts: dimensions.word.minLength is 0 (and 1 more problem)",
    );
    expect(
      failure(withMetrics([words(e.tokens(e.explode("hashtags"), { tokenChars: "a-z" }))])).message,
    ).toBe("sparkgen/specs/word-window.ts: dimensions.word is tokens() of an exploded dimension");
    expect(failure(withMetrics([{ ...wordWindow, rank: { top: 0, by: "count" } }])).message).toBe(
      "sparkgen/specs/word-window.ts: rank.top is 0",
    );
  });
});
