import { describe, expect, it } from "vitest";
import type { CteNode } from "../ast/index.ts";
import { define } from "../spec/define.ts";
import { e } from "../specs/events.ts";
import { hashtagWindow, languageWindow, shareOfVoiceWindow, windowJob, wordWindow } from "../specs/index.ts";
import { compileResult } from "./kinds.ts";
import {
  dimensionRows,
  grouped,
  keptRows,
  measured,
  metricParts,
  onceRows,
  ranked,
  supported,
} from "./metric.ts";
import { KEY_COLUMNS, TABLE_KEY } from "./result.ts";

const names = (ctes: readonly CteNode[]) => ctes.map((c) => c.name);
const run = (stage: typeof grouped, spec: Parameters<typeof metricParts>[0], from: string) =>
  stage(metricParts(spec), windowJob, from);

describe("metric kind: one function per CTE stage", () => {
  it("dimensionRows: events with their dimension values, or event_topics as it is", () => {
    const s = run(dimensionRows, hashtagWindow, "event_topics");
    expect(names(s.ctes)).toEqual(["dimension_rows"]);
    expect(s.rows).toBe("dimension_rows");
    const q = s.ctes[0]!.query;
    // an exploded dimension: the events' elements first, their topics last (a record's array is
    // exploded once, not once per topic)
    expect(q.kind === "SelectNode" && [q.from?.name, q.lateralViews.map((v) => v.columns)]).toEqual([
      "events",
      [["dim_tag"], ["topic"]],
    ]);
    expect(run(dimensionRows, shareOfVoiceWindow, "event_topics")).toEqual({
      ctes: [],
      rows: "event_topics",
    });
  });

  it("compiles event_topics only where a stage reads it", () => {
    const ctes = (spec: Parameters<typeof compileResult>[0]) =>
      names(compileResult(spec).query(windowJob).ctes);
    expect(ctes(hashtagWindow)[0]).toBe("dimension_rows");
    expect(ctes(shareOfVoiceWindow)[0]).toBe("event_topics");
  });

  it("keptRows: a left-out list per dimension, anti-joined; nothing without one", () => {
    const s = run(keptRows, wordWindow, "dimension_rows");
    expect(names(s.ctes)).toEqual(["word_left_out", "kept_rows"]);
    const q = s.ctes[1]!.query;
    expect(q.kind === "SelectNode" && [q.from?.name, q.joins.map((j) => j.joinType)]).toEqual([
      "dimension_rows",
      ["LEFT ANTI"],
    ]);
    expect(run(keptRows, hashtagWindow, "dimension_rows")).toEqual({ ctes: [], rows: "dimension_rows" });
  });

  it("grouped: the aggregate measures grouped by the key and the dimensions", () => {
    const s = run(grouped, hashtagWindow, "dimension_rows");
    expect(s.rows).toBe("grouped");
    const q = s.ctes[0]!.query;
    expect(q.kind === "SelectNode" && q.from?.name).toBe("dimension_rows");
    expect(q.kind === "SelectNode" && q.groupBy.map((g) => g.kind === "ColumnNode" && g.name)).toEqual([
      "window_start",
      "window_end",
      "topic",
      "dim_tag",
    ]);
  });

  it("measured: the derived measures, after the topic totals a shareOfTopic reads", () => {
    expect(names(run(measured, languageWindow, "grouped").ctes)).toEqual(["topic_totals", "measured"]);
    expect(names(run(measured, shareOfVoiceWindow, "grouped").ctes)).toEqual(["measured"]);
    expect(run(measured, hashtagWindow, "grouped")).toEqual({ ctes: [], rows: "grouped" });
  });

  it("measured: a derived measure of derived ones one CTE later, each level reading the one before", () => {
    const m = define.metric(import.meta.url, {
      name: "levels",
      description: "d",
      dimensions: { lang: e.column("lang") },
      measures: {
        n: e.count(),
        likes: e.sum("like_count"),
        engagement: e.plus("likes", "n"),
        per_post: e.ratio("engagement", "n"),
        points: e.times("per_post", 100),
        of_topic: e.shareOfTopic("n"),
      },
    });
    const s = run(measured, m, "grouped");
    expect(names(s.ctes)).toEqual(["topic_totals", "measured", "measured_2", "measured_3"]);
    expect(s.rows).toBe("measured_3");
    const from = s.ctes.map((c) => (c.query.kind === "SelectNode" ? c.query.from?.name : undefined));
    expect(from).toEqual(["event_topics", "grouped", "measured", "measured_2"]);
  });

  it("onceRows and supported: a stage only for a sumOnce and a having", () => {
    const m = define.metric(import.meta.url, {
      name: "reach",
      description: "d",
      dimensions: { lang: e.column("lang") },
      measures: { n: e.count(), reach: e.sumOnce("author_followers", "author_id") },
      having: { by: "n", atLeast: 2 },
    });
    expect(names(run(onceRows, m, "dimension_rows").ctes)).toEqual(["once_rows"]);
    expect(names(run(supported, m, "grouped").ctes)).toEqual(["supported"]);
    expect(run(onceRows, hashtagWindow, "dimension_rows")).toEqual({ ctes: [], rows: "dimension_rows" });
    expect(run(supported, hashtagWindow, "grouped")).toEqual({ ctes: [], rows: "grouped" });
  });

  it("ranked: row_number per window and topic, only with a rank", () => {
    const s = run(ranked, hashtagWindow, "grouped");
    expect(names(s.ctes)).toEqual(["ranked"]);
    const q = s.ctes[0]!.query;
    expect(q.kind === "SelectNode" && q.from?.name).toBe("grouped");
    expect(run(ranked, shareOfVoiceWindow, "measured")).toEqual({ ctes: [], rows: "measured" });
  });
});

describe("compileResult: one result per spec kind", () => {
  it("starts every table with the key columns and every primary key with window_start, topic", () => {
    for (const m of windowJob.metrics) {
      const r = compileResult(m);
      expect(r.columns.slice(0, KEY_COLUMNS.length)).toEqual(KEY_COLUMNS);
      expect(r.key.slice(0, TABLE_KEY.length)).toEqual(TABLE_KEY);
      expect(r.step.columns).toEqual(r.columns.slice(2).map((c) => c.name));
    }
  });
});
