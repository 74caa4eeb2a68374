import { describe, expect, expectTypeOf, it } from "vitest";
import { EVENT_V1 } from "../schema/index.ts";
import {
  hashtagWindow,
  influencerWindow,
  sentimentAlert,
  trendingHashtagAlert,
  volumeAlert,
} from "../specs/index.ts";
import { alertColumns, alertMath, alertRule, baseline } from "./alert-kind.ts";
import { define } from "./define.ts";
import { dsl } from "./dsl.ts";
import type { InfluencerColumns, JobSpec } from "./kinds.ts";

// The @ts-expect-error lines are the type tests: `tsc --noEmit` (first step of `npm test`) fails
// if any of them stops being an error.
const e = dsl(EVENT_V1);

describe("spec language: what the types reject", () => {
  it("rejects a misspelled column and numeric aggregates over string columns", () => {
    expect(() => {
      // @ts-expect-error misspelled column
      e.avg("sentimnt_score");
      // @ts-expect-error a numeric aggregate over a string column
      e.avg("text");
      // @ts-expect-error a numeric aggregate over a timestamp
      e.sum("created_at");
      // @ts-expect-error atLeast compares numbers only
      e.atLeast("author_username", 3);
      // @ts-expect-error equals takes a string column
      e.equals("retweet_count", "1");
      // @ts-expect-error no such column
      e.countOf("retweets");
    }).not.toThrow();
  });

  it("types the roles of influencer columns", () => {
    expectTypeOf<InfluencerColumns["followers"]>().toEqualTypeOf<
      | "v"
      | "author_followers"
      | "retweet_count"
      | "like_count"
      | "reply_count"
      | "quote_count"
      | "ref_author_followers"
      | "ref_retweet_count"
      | "ref_like_count"
      | "sentiment_score"
      | "sentiment_magnitude"
    >();
    const columns: InfluencerColumns = {
      ...influencerWindow.columns,
      // @ts-expect-error followers must be numeric
      followers: "author_username",
    };
    expect(columns.author).toBe("author_id");
  });

  it("types a baseline and an alert's rows against the measures of the aggregate they read", () => {
    const agg = define.aggregate(import.meta.url, {
      name: "scores",
      description: "d",
      measures: { mean: e.avg("sentiment_score"), n: e.countOf("sentiment_score") },
    });
    const { atLeast, minus } = alertMath;
    const base = baseline(agg, "mean", 8, { min: 4, where: (w) => atLeast(w.n, 20) });
    const alert = define.alert(import.meta.url, {
      name: "a",
      description: "d",
      baseline: base,
      columns: (w, b) => ({ mean: w.mean, drop: minus(b.mean, w.mean) }),
      levels: (_w, _b, out) => ({ warning: atLeast(out.drop, 0.2), critical: atLeast(out.drop, 0.4) }),
    });
    expect(alert.source).toBe("sparkgen/spec/spec.test.ts");
    expect(alertColumns(alert)).toEqual([
      { name: "mean", type: "double precision", nullable: false },
      { name: "drop", type: "double precision", nullable: false },
    ]);
    // @ts-expect-error a baseline over a metric that lacks the named column
    baseline(agg, "avg_score", 8, { min: 4 });
    // @ts-expect-error the baseline's condition names a column the metric lacks
    baseline(agg, "mean", 8, { min: 4, where: (w) => atLeast(w.n_scored, 20) });
    define.alert(import.meta.url, {
      name: "a",
      description: "d",
      baseline: base,
      // @ts-expect-error the current row has no column avg_score
      columns: (w) => ({ score: w.avg_score }),
      levels: (w) => ({ warning: atLeast(w.n, 1), critical: atLeast(w.n, 2) }),
    });
    define.alert(import.meta.url, {
      name: "a",
      description: "d",
      baseline: base,
      columns: (w) => ({ n: w.n }),
      // @ts-expect-error a level reads a column the alert does not declare
      levels: (_w, _b, out) => ({ warning: atLeast(out.drop, 1), critical: atLeast(out.n, 2) }),
    });
  });

  it("types a trend baseline against the measures of a dimensional metric", () => {
    const { atLeast, times, when } = alertMath;
    // @ts-expect-error a baseline over a dimensional metric that lacks the named measure
    baseline(hashtagWindow, "posts", 8, { min: 4 });
    // @ts-expect-error a dimension is not a measure: the baseline is per tag, not over it
    baseline(hashtagWindow, "tag", 8, { min: 4 });
    const base = baseline(hashtagWindow, "count", 8, { min: 4 });
    define.alert(import.meta.url, {
      name: "a",
      description: "d",
      baseline: base,
      // @ts-expect-error the current row has no measure named likes
      columns: (w) => ({ likes: w.likes }),
      levels: (w) => ({ warning: atLeast(w.count, 1), critical: atLeast(w.count, 2) }),
    });
    const trend = define.alert(import.meta.url, {
      name: "a",
      description: "d",
      baseline: base,
      columns: (w, b) => ({ authors: w.authors, new: b.new }),
      levels: (w, b) => ({
        warning: atLeast(w.count, 20),
        critical: atLeast(w.count, when(b.new, 50, times(5, b.mean))),
      }),
    });
    expect(alertColumns(trend)).toEqual([
      { name: "authors", type: "bigint", nullable: false },
      { name: "new", type: "boolean", nullable: false },
    ]);
    expect(alertColumns(trendingHashtagAlert).map((c) => `${c.name} ${c.type}`)).toEqual([
      "count bigint",
      "baseline_mean double precision",
      "baseline_windows integer",
      "new boolean",
    ]);
  });

  it("states the bound each shipped alert level compares against, from the spec", () => {
    expect(alertRule(sentimentAlert, "critical")).toBe("max(0.4, 3·baseline_sd)");
    expect(alertRule(sentimentAlert, "warning")).toBe("max(0.2, 2·baseline_sd)");
    expect(alertRule(volumeAlert, "warning")).toBe("baseline_mean + max(3·baseline_sd, baseline_mean)");
    expect(alertRule(volumeAlert, "critical")).toBe("baseline_mean + max(5·baseline_sd, 3·baseline_mean)");
    expect(alertRule(trendingHashtagAlert, "warning")).toBe("max(20, 3·baseline_mean)");
    expect(alertRule(trendingHashtagAlert, "critical")).toBe("50 if new, else 5·baseline_mean");
  });

  it("types the job's topic, dedup and event-time columns", () => {
    expectTypeOf<JobSpec["topics"]["column"]>().toEqualTypeOf<"rules">();
    expectTypeOf<JobSpec["eventTime"]>().toEqualTypeOf<"created_at" | "ingested_at">();
  });
});

describe("spec language: values", () => {
  it("builds measures with their result type", () => {
    expect(e.avg("sentiment_score")).toMatchObject({ type: "double precision", nullable: true });
    expect(e.count()).toMatchObject({ type: "bigint", nullable: false });
    expect(e.share(e.atLeast("sentiment_score", 0.25))).toMatchObject({
      type: "double precision",
      nullable: true,
    });
  });

  it("records the declaring file as a repository path", () => {
    expect(influencerWindow.source).toBe("sparkgen/specs/influencer-window.ts");
  });
});
