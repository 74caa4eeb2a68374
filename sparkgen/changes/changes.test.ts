import { describe, expect, it } from "vitest";
import type { AggregateSpec, JobSpec, MetricSpec } from "../spec/kinds.ts";
import { e } from "../specs/events.ts";
import {
  domainWindow,
  hashtagWindow,
  influencerWindow,
  sentimentAlert,
  sentimentWindow,
  windowJob,
  wordWindow,
} from "../specs/index.ts";
import {
  changeReport,
  diffManifests,
  type Manifest,
  type MetricChange,
  manifestHashes,
  renderMarkdown,
  workingManifest,
} from "./index.ts";

// One test per kind of change: each builds a variant of the shipped job in memory (never the
// repository's spec files) and compares its manifest with the shipped one.
const base = workingManifest(windowJob);
const job = (metrics: readonly MetricSpec[]): JobSpec => ({ ...windowJob, metrics });
const variant = (replace: Partial<Record<string, MetricSpec>>, extra: MetricSpec[] = []) =>
  job([...windowJob.metrics.map((m) => replace[m.name] ?? m), ...extra]);
const diff = (j: JobSpec) => diffManifests(base, workingManifest(j));
const metric = (d: ReturnType<typeof diff>, name: string): MetricChange =>
  d.metrics.find((m) => m.name === name)!;

describe("change categories", () => {
  it("a weight change is breaking, names weights.retweets, and changes score and rank", () => {
    const d = diff(
      variant({
        influencer_window: {
          ...influencerWindow,
          weights: { ...influencerWindow.weights, retweets: 0.45, favourites: 0.15 },
        },
      }),
    );
    const p = metric(d, "influencer_window");
    expect(d.breaking).toBe(true);
    expect(p.category).toBe("breaking");
    expect(p.reasons.map((r) => [r.role, r.field, r.text])).toEqual([
      ["weight", "weights.retweets", "weights.retweets 0.35 → 0.45"],
      ["weight", "weights.favourites", "weights.favourites 0.25 → 0.15"],
    ]);
    expect(p.affected).toEqual(["rank", "score"]);
    expect(p.rowsChanged).toBe(true); // the top-100 cut is by rank
    expect(p.migration).toEqual([]);
    expect(d.metrics.filter((m) => m.category !== "unchanged").map((m) => m.name)).toEqual([
      "influencer_window",
    ]);
  });

  it("a new metric is non-breaking and shows its CREATE TABLE", () => {
    const volume: AggregateSpec = {
      ...sentimentWindow,
      name: "trial_volume_window",
      description: "tweets per topic",
      measures: { n_tweets: e.count() },
    };
    const d = diff(variant({}, [volume]));
    const p = metric(d, "trial_volume_window");
    expect(d.breaking).toBe(false);
    expect(p.category).toBe("non-breaking");
    // The migration generator's statements (print/ddl.ts): table, CHECKs, the (topic, window_start) index.
    expect(p.migration[0]).toMatch(/^create table "trial_volume_window" \(\n/);
    expect(p.migration[0]).toContain('"n_tweets" bigint not null');
    expect(p.migration[0]).toContain(
      'constraint "trial_volume_window_pkey" primary key ("window_start", "topic")',
    );
    expect(p.migration.slice(1)).toEqual([
      'create index "trial_volume_window_topic_start_idx" on "trial_volume_window" ("topic", "window_start")',
    ]);
    expect(p.reasons[0]?.text).toMatch(/^new aggregate metric: /);
  });

  it("a new spec of the metric kind reads 'new metric', not 'new metric metric'", () => {
    const d = diff(variant({}, [{ ...hashtagWindow, name: "tag_window" }]));
    expect(metric(d, "tag_window").reasons[0]?.text).toMatch(/^new metric: a new table/);
  });

  it("a new column nobody read is non-breaking: ALTER TABLE add column, the alert untouched", () => {
    const d = diff(
      variant({
        sentiment_window: {
          ...sentimentWindow,
          measures: { ...sentimentWindow.measures, max_score: e.max("sentiment_score") },
        },
      }),
    );
    const p = metric(d, "sentiment_window");
    expect(p.category).toBe("non-breaking");
    expect(p.columns).toEqual([
      {
        change: "added",
        column: "max_score",
        after: { name: "max_score", type: "double precision", nullable: true },
      },
    ]);
    expect(p.migration).toEqual(['alter table "sentiment_window" add column "max_score" double precision']);
    expect(metric(d, "sentiment_alert").category).toBe("unchanged");
  });

  it("a description change is metadata only", () => {
    const d = diff(variant({ word_window: { ...wordWindow, description: "the words of the hour" } }));
    const p = metric(d, "word_window");
    expect(p.category).toBe("metadata");
    expect(p.reasons).toEqual([{ role: "metadata", field: "description", text: "description changed" }]);
    expect(d.breaking).toBe(false);
  });

  it("a new CHECK (a share's 0…1) is metadata: the table's migration changes, its rows do not", () => {
    // The manifest as it was before the metric kind stated its shares' bounds.
    const unbounded: Manifest = {
      ...base,
      metrics: base.metrics.map((m) =>
        m.name === "language_window"
          ? {
              ...m,
              columns: m.columns.map((c) => {
                const { min: _min, max: _max, ...rest } = c;
                return c.name === "share" ? rest : c;
              }),
            }
          : m,
      ),
    };
    const p = diffManifests(unbounded, base).metrics.find((m) => m.name === "language_window")!;
    expect(p.category).toBe("metadata");
    expect(p.reasons.map((r) => r.role)).toEqual(["columns"]);
    expect(p.migration).toEqual([
      'alter table "language_window" add constraint "language_window_share" check ("share" between 0 and 1)',
    ]);
  });

  it("a filter change is breaking (role filter)", () => {
    const d = diff(variant({ word_window: { ...wordWindow, where: e.equals("lang", "en") } }));
    const p = metric(d, "word_window");
    expect(p.category).toBe("breaking");
    expect(p.reasons[0]).toMatchObject({ role: "filter", field: "where" });
    expect(p.reasons[0]!.text).toBe("where ref_type IS NULL OR ref_type <> 'retweeted' → lang = 'en'");
  });

  it("a minimum support (having) is a filter: breaking, the rows it stores change", () => {
    const d = diff(variant({ domain_window: { ...domainWindow, having: { by: "count", atLeast: 5 } } }));
    const p = metric(d, "domain_window");
    expect(p.category).toBe("breaking");
    expect(p.rowsChanged).toBe(true);
    expect(p.reasons.map((r) => [r.role, r.field])).toEqual([
      ["filter", "having.by"],
      ["filter", "having.atLeast"],
    ]);
  });

  it("a threshold and a cap change are breaking and name their fields", () => {
    const d = diff(
      variant({
        // The warning level's 0.2 floor of the drop becomes 0.25 (levels are expression trees).
        sentiment_alert: {
          ...sentimentAlert,
          levels: JSON.parse(JSON.stringify(sentimentAlert.levels).replace('"value":0.2}', '"value":0.25}')),
        },
        word_window: { ...wordWindow, rank: { top: 50, by: "count" } },
      }),
    );
    expect(metric(d, "sentiment_alert").reasons).toEqual([
      {
        role: "threshold",
        field: "levels.warning.args",
        text: expect.stringMatching(/^levels\.warning\.args /),
      },
    ]);
    expect(metric(d, "word_window").reasons).toEqual([
      { role: "cap", field: "rank.top", text: "rank.top 100 → 50" },
    ]);
    expect(metric(d, "word_window").rowsChanged).toBe(true);
  });

  it("a rank.by change is labelled rank, not cap", () => {
    const d = diff(
      variant({
        hashtag_window: { ...hashtagWindow, rank: { top: hashtagWindow.rank!.top, by: "authors" } },
      }),
    );
    expect(metric(d, "hashtag_window").reasons.map((r) => [r.role, r.field])).toEqual([["rank", "rank.by"]]);
  });

  it("a formula change is breaking, and the alert that reads the column is breaking upstream", () => {
    const d = diff(
      variant({
        sentiment_window: {
          ...sentimentWindow,
          measures: {
            ...sentimentWindow.measures,
            avg_score: e.avg("sentiment_score", e.atLeast("sentiment_magnitude", 0.1)),
          },
        },
      }),
    );
    const s = metric(d, "sentiment_window");
    expect(s.category).toBe("breaking");
    expect(s.reasons[0]).toMatchObject({ role: "formula", field: "measures.avg_score" });
    // The mean's stored sum and count (its roll-up) change with it.
    expect(s.affected).toEqual(["avg_score", "avg_score_num", "avg_score_den"]);
    const a = metric(d, "sentiment_alert");
    expect(a.category).toBe("breaking");
    expect(a.reasons).toEqual([
      {
        role: "upstream",
        field: "sentiment_window.avg_score",
        text: "reads sentiment_window.avg_score, which changed (measures.avg_score)",
      },
    ]);
  });

  it("a renamed and a retyped column are breaking, with their ALTER TABLE", () => {
    const { pos_share, ...rest } = sentimentWindow.measures;
    const d = diff(
      variant({
        sentiment_window: {
          ...sentimentWindow,
          measures: { ...rest, positive_share: pos_share, n_scored: e.max("sentiment_score") },
        },
      }),
    );
    const p = metric(d, "sentiment_window");
    expect(p.category).toBe("breaking");
    expect(p.columns.map((c) => [c.change, c.column, c.from])).toEqual([
      ["retyped", "n_scored", undefined],
      ["renamed", "positive_share", "pos_share"],
      ["renamed", "positive_share_num", "pos_share_num"],
      ["renamed", "positive_share_den", "pos_share_den"],
    ]);
    // The generator writes a rename as drop + add (its README: renames are not detected).
    expect(p.migration).toEqual([
      'alter table "sentiment_window" drop constraint "sentiment_window_pos_share"',
      'alter table "sentiment_window" drop column "pos_share"',
      'alter table "sentiment_window" drop column "pos_share_num"',
      'alter table "sentiment_window" drop column "pos_share_den"',
      'alter table "sentiment_window" alter column "n_scored" type double precision using "n_scored"::double precision',
      'alter table "sentiment_window" alter column "n_scored" drop not null',
      'alter table "sentiment_window" add column "positive_share" double precision',
      'alter table "sentiment_window" add column "positive_share_num" bigint',
      'alter table "sentiment_window" add column "positive_share_den" bigint',
      'alter table "sentiment_window" add constraint "sentiment_window_positive_share" check ("positive_share" between 0 and 1)',
    ]);
  });

  it("a job field (the window length) makes every metric breaking", () => {
    const d = diff({ ...windowJob, windowMinutes: 30 });
    expect(d.metrics.map((m) => m.category)).toEqual(Array(windowJob.metrics.length).fill("breaking"));
    expect(metric(d, "word_window").reasons).toEqual([
      { role: "job", field: "windowMinutes", text: "job windowMinutes 15 → 30" },
    ]);
  });

  it("a removed metric is breaking; an unchanged job plans nothing", () => {
    const d = diff(job(windowJob.metrics.filter((m) => m.name !== "word_window")));
    expect(metric(d, "word_window").category).toBe("breaking");
    expect(diff(windowJob).metrics.every((m) => m.category === "unchanged")).toBe(true);
  });
});

describe("recompute list from pipeline runs", () => {
  const weights = variant({
    influencer_window: {
      ...influencerWindow,
      weights: { ...influencerWindow.weights, retweets: 0.45, favourites: 0.15 },
    },
  });
  const head = workingManifest(weights);
  const runOf = (start: string, hashes: Manifest | null) => ({
    windowStart: new Date(start),
    windowEnd: new Date(new Date(start).getTime() + 900_000),
    sqlHashes: hashes && manifestHashes(hashes),
  });

  it("lists the windows that ran another SQL, merged into ranges, with the commands", () => {
    const runs = [
      runOf("2026-11-24T04:00:00Z", base),
      runOf("2026-11-24T04:15:00Z", base),
      runOf("2026-11-24T04:30:00Z", head),
      runOf("2026-11-24T04:45:00Z", base),
      runOf("2026-11-24T03:45:00Z", null),
    ];
    const r = changeReport({ head, base: { label: "HEAD", manifest: base }, runs });
    expect(r.recomputeMetrics).toEqual(["influencer_window"]);
    expect(r.recompute!.windows.map((w) => w.start.toISOString())).toEqual([
      "2026-11-24T04:00:00.000Z",
      "2026-11-24T04:15:00.000Z",
      "2026-11-24T04:45:00.000Z",
    ]);
    expect(r.recompute!.unrecorded.map((w) => w.start.toISOString())).toEqual(["2026-11-24T03:45:00.000Z"]);
    expect(r.commands).toEqual([
      "trends schedule --backfill --metrics influencer_window --input RAW_TREE",
      "trends run --input RAW_TREE --from 2026-11-24T04:00:00Z --to 2026-11-24T04:30:00Z",
      "trends run --input RAW_TREE --from 2026-11-24T04:45:00Z --to 2026-11-24T05:00:00Z",
    ]);
    // With the command's input and a database other than the local one: ready to paste, no URL in them
    const there = changeReport({
      head,
      base: { label: "HEAD", manifest: base },
      runs,
      target: { input: "/data/raw events", database: true },
    });
    expect(there.commands[1]).toBe(
      `trends run --input '/data/raw events' --database-url "$DATABASE_URL" --from 2026-11-24T04:00:00Z --to 2026-11-24T04:30:00Z`,
    );
    const text = renderMarkdown(r).join("\n");
    expect(text).toContain("### influencer_window (influencer): breaking");
    expect(text).toContain("`weights.retweets` 0.35 → 0.45");
    expect(text).toContain("| 2026-11-24T04:45:00Z | 2026-11-24T05:00:00Z | influencer_window |");
  });

  it("a sentiment change lists the alert's windows too, a new metric lists none", () => {
    const formula = variant({
      sentiment_window: {
        ...sentimentWindow,
        measures: { ...sentimentWindow.measures, avg_score: e.avg("sentiment_magnitude") },
      },
    });
    const runs = [runOf("2026-11-24T04:00:00Z", base)];
    const r = changeReport({ head: workingManifest(formula), base: { label: "HEAD", manifest: base }, runs });
    expect(r.recompute!.windows.map((w) => w.metrics)).toEqual([["sentiment_window", "sentiment_alert"]]);
    const added = variant({}, [
      { ...sentimentWindow, name: "trial_volume_window", measures: { n: e.count() } },
    ]);
    const n = changeReport({ head: workingManifest(added), base: { label: "HEAD", manifest: base }, runs });
    expect(n.recompute!.windows).toEqual([]);
    expect(n.commands).toEqual([]);
    const text = renderMarkdown(n).join("\n");
    expect(text).toContain("### trial_volume_window (aggregate): non-breaking");
    expect(text).toContain('create table "trial_volume_window" (');
    expect(text).toContain("  - `trial_volume_window.n ← (no column: a count or a constant)`");
    expect(text).toContain("Nothing to recompute: no change is breaking.");
  });
});
