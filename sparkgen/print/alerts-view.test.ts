import { describe, expect, it } from "vitest";
import { compileJob } from "../compile/index.ts";
import { alertMath, baseline } from "../spec/alert-kind.ts";
import { define } from "../spec/define.ts";
import type { JobSpec } from "../spec/kinds.ts";
import { sentimentWindow, windowJob } from "../specs/index.ts";
import { alertsViewOf } from "./alerts-view.ts";
import { diffSchemas, schemaChanges, schemaOf } from "./ddl.ts";

const { atLeast, div, minus } = alertMath;

/** An alert an analyst adds in one spec file: fewer scored tweets than usual. */
const quietAlert = define.alert(new URL("../specs/trial-quiet-alert.ts", import.meta.url).href, {
  name: "trial_quiet_alert",
  description: "the scored share fell",
  baseline: baseline(sentimentWindow, "n_scored", 8, { min: 4 }),
  columns: (w, b) => ({
    n_scored: w.n_scored,
    baseline_mean: b.mean,
    baseline_sd: b.sd,
    baseline_windows: b.count,
    shortfall: minus(b.mean, w.n_scored),
    ratio: div(w.n_scored, b.mean),
  }),
  levels: (w, b) => ({ warning: atLeast(b.mean, 1), critical: atLeast(minus(b.mean, w.n_scored), b.mean) }),
});
const withQuiet: JobSpec = { ...windowJob, metrics: [...windowJob.metrics, quietAlert] };

describe("the alerts view, from the alert specs", () => {
  it("lists every alert table: its key, measure and baseline, then each kind's own columns", () => {
    const view = alertsViewOf(schemaOf(compileJob(windowJob)))!;
    const kinds = ["sentiment_alert", "trending_hashtag_alert", "volume_alert"];
    expect(view.reads).toEqual(kinds);
    expect(view.columns.map((c) => `${c.name} ${c.type}${c.nullable ? " null" : ""}`)).toEqual([
      "kind text",
      "window_start timestamptz",
      "window_end timestamptz",
      "topic text",
      "severity text",
      "dimension text null",
      "entity text null",
      "measure text",
      "value double precision",
      "baseline_mean double precision",
      // the trending alert stores no sd
      "baseline_sd double precision null",
      "baseline_windows integer",
      "threshold double precision",
      "rule text",
      "drop double precision null",
      "n_scored bigint null",
      "new boolean null",
      "ratio double precision null",
      "computed_at timestamptz",
    ]);
    expect(view.columns[0]!.values).toEqual(kinds);
    expect(view.own.map((c) => [c.name, c.kinds])).toEqual([
      ["drop", ["sentiment_alert"]],
      ["n_scored", ["sentiment_alert"]],
      ["new", ["trending_hashtag_alert"]],
      ["ratio", ["volume_alert"]],
    ]);
    // A trend alert's entity: its dimension's name and value; NULL for a per-topic alert.
    expect(view.statements[0]).toContain(`'tag'::text as "dimension",
      "tag"::text as "entity"`);
    expect(view.statements[0]).toContain(`null::text as "dimension",
      null::text as "entity"`);
    // Roles come from the expressions: the volume alert's value is its n_tweets column.
    expect(view.statements[0]).toContain(
      `'n_tweets'::text as "measure",\n      "n_tweets"::double precision as "value"`,
    );
    expect(view.statements[0]).toContain(`null::double precision as "drop"`);
  });

  it("a new alert spec joins it in the same migration that creates its table", () => {
    const up = diffSchemas(schemaOf(compileJob(windowJob)), schemaOf(compileJob(withQuiet)));
    expect(up[0]).toBe(`drop view if exists "alerts"`);
    expect(up[1]).toMatch(/^create table "trial_quiet_alert"/);
    const create = up.find((s) => s.startsWith(`create view "alerts"`))!;
    expect(create).toContain(`from "trial_quiet_alert"`);
    // Its own column joins the others; n_scored is its measure here, and an own column of the sentiment alert.
    expect(create).toContain(`'n_scored'::text as "measure"`);
    expect(create).toContain(`null::double precision as "shortfall"`);
    // Its own columns are listed with the kinds that have them; its measure is not one of them.
    expect(alertsViewOf(schemaOf(compileJob(withQuiet)))!.own.map((c) => [c.name, c.kinds])).toEqual([
      ["drop", ["sentiment_alert"]],
      ["n_scored", ["sentiment_alert"]],
      ["new", ["trending_hashtag_alert"]],
      ["ratio", ["volume_alert", "trial_quiet_alert"]],
      ["shortfall", ["trial_quiet_alert"]],
    ]);
    expect(up.indexOf(create)).toBeGreaterThan(
      up.findIndex((s) => s.startsWith(`create table "trial_quiet_alert"`)),
    );
    // Down: the view goes first, then the table, then the view without it.
    const down = diffSchemas(schemaOf(compileJob(withQuiet)), schemaOf(compileJob(windowJob)));
    expect(down[0]).toBe(`drop view if exists "alerts"`);
    expect(down).toContain(`drop table "trial_quiet_alert"`);
    expect(down.at(-1)).toMatch(/^comment on view "alerts"/);
  });

  it("is dropped before and recreated after a change to a table it reads, and left alone otherwise", () => {
    const base = schemaOf(compileJob(windowJob));
    const retyped = base.map((t) =>
      t.name === "volume_alert"
        ? { ...t, columns: t.columns.map((c) => (c.name === "ratio" ? { ...c, nullable: false } : c)) }
        : t,
    );
    const up = diffSchemas(base, retyped);
    expect(up[0]).toBe(`drop view if exists "alerts"`);
    expect(up[1]).toBe(`alter table "volume_alert" alter column "ratio" set not null`);
    expect(up.at(-2)).toMatch(/^create view "alerts"/);
    const notRead = base.map((t) =>
      t.name === "word_window" ? { ...t, columns: t.columns.filter((c) => c.name !== "rank") } : t,
    );
    expect(diffSchemas(base, notRead).some((s) => s.includes(`"alerts"`))).toBe(false);
  });

  it("a changed role is a schema change naming the view; one name of two types is refused", () => {
    const base = schemaOf(compileJob(windowJob));
    const moved = base.map((t) =>
      t.name === "volume_alert" && t.alert ? { ...t, alert: { ...t.alert, value: null } } : t,
    );
    expect(schemaChanges(base, moved)).toEqual([
      {
        source: "sparkgen/specs/volume-alert.ts",
        table: "alerts",
        what: "the alerts view's columns of volume_alert changed",
      },
    ]);
    const clash = base.map((t) =>
      t.name === "volume_alert"
        ? {
            ...t,
            columns: t.columns.map((c) =>
              c.name === "ratio" ? { ...c, name: "drop", type: "bigint" as const } : c,
            ),
          }
        : t,
    );
    expect(() => alertsViewOf(clash)).toThrow(
      /column drop: it is double precision in one alert and bigint in volume_alert/,
    );
  });
});
