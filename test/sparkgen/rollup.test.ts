import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sparkSubmit } from "../../runtime/spark/index.ts";
import {
  compileJob,
  diffSchemas,
  generate,
  type JobSpec,
  loadSpecs,
  schemaOf,
} from "../../sparkgen/index.ts";
import { JOB, PRELUDE, specFolder } from "../../sparkgen/load/fixtures.ts";
import type { CaseEvent } from "../../sparkgen/spec/index.ts";
import { layOut } from "../../sparkgen/testing/index.ts";
import { trends } from "../support/cli.ts";
import { sparkInstall } from "../support/services.ts";
import { type ResultsDb, resultsDb, SPARK_TIMEOUT, WINDOW_STEP } from "./support.ts";

/*
 * Issue 25's done-when: every measure kind (arithmetic between measures and derived measures of
 * derived ones too), read over a range of 4 windows through
 * `trends query metric NAME --from A --to B --json`, equals the same metric computed by Spark over
 * ONE window spanning A–B, for each additive and re-derivable measure; the measures that do not
 * add up are shown per window and flagged. Two spark-submits: one range step over the 4 windows of
 * a 15-minute job, one 60-minute window of the same spec.
 *
 * The probe's events vary language, topics, score, likes, followers and author across windows, and
 * leave some languages out of some windows, so a denominator that is one per window (a share of
 * the topic, of all, of the tracked topics) must be counted once per window, not once per row.
 */
const PROBE = `${PRELUDE}
export const probe = define.metric(import.meta.url, {
  name: "rollup_probe",
  description: "every measure kind, for the roll-up test",
  dimensions: { lang: e.ifNull("lang", "und") },
  measures: {
    posts: e.count(),
    scored: e.countOf("sentiment_score"),
    positive: e.countIf(e.atLeast("sentiment_score", 0.25)),
    likes: e.sum("like_count"),
    score_sum: e.sum("sentiment_score"),
    avg_score: e.avg("sentiment_score"),
    least_likes: e.min("like_count"),
    most_followers: e.max("author_followers"),
    pos_share: e.share(e.atLeast("sentiment_score", 0.25), e.isNotNull("sentiment_score")),
    neg_share: e.share(e.atMost("sentiment_score", -0.25), e.isNotNull("sentiment_score")),
    likes_per_post: e.ratio("likes", "posts"),
    engagement: e.plus("likes", "positive"),
    net: e.minus("pos_share", "neg_share"),
    net_points: e.times("net", 100),
    engagement_per_post: e.ratio("engagement", "posts"),
    mean_over_most: e.ratio("avg_score", "most_followers"),
    lang_share: e.shareOfTopic("posts"),
    share_of_all: e.shareOfAll("posts"),
    share_of_tracked: e.shareOfTracked("posts"),
    authors: e.countDistinct("author_id"),
    reach: e.score({ likes: 0.5, posts: 0.5 }),
    audience: e.sumOnce("author_followers", "author_id"),
  },
  rank: { top: 50, by: "pos_share" },
});
`;
const ADDITIVE = [
  "posts",
  "scored",
  "positive",
  "likes",
  "score_sum",
  "avg_score",
  "least_likes",
  "most_followers",
  "pos_share",
  "neg_share",
  "likes_per_post",
  // Arithmetic: of additive measures additive (engagement), else re-derived from its parts (net),
  // and derived of derived (net_points, engagement_per_post, a ratio of an average and a max).
  "engagement",
  "net",
  "net_points",
  "engagement_per_post",
  "mean_over_most",
  "lang_share",
  "share_of_all",
  "share_of_tracked",
];
const NOT_ADDITIVE = ["authors", "reach", "audience"];

const LANGS = ["en", "es", null, "fr"] as const;
// Every record in some tracked topic: else the catch-all's share of the tracked topics exceeds 1
// and the table's 0…1 CHECK refuses the row.
const RULES = [["acme"], ["zeta"], ["acme", "zeta"]];
const SCORES = [0.6, -0.4, null, 0.1, 0.3, -0.9, 0.25];
/** 60 events over 4 windows; fr only in windows 1 and 3; zeta has nothing in window 2. */
const GIVEN: CaseEvent[] = Array.from({ length: 60 }, (_, i) => {
  const window = i % 4;
  const lang = LANGS[i % 3 === 0 && window % 2 === 1 ? 3 : i % 3]!;
  const rules = window === 2 ? ["acme"] : RULES[(i * 7) % 3]!;
  return {
    window,
    at: `${String(i % 15).padStart(2, "0")}:${String((i * 13) % 60).padStart(2, "0")}`,
    lang,
    rules,
    author_id: `a${(i * 5) % 7}`,
    author_followers: (i * 37) % 500,
    like_count: (i * 11) % 17,
    sentiment_score: SCORES[i % SCORES.length]!,
  };
});

const TOPICS = ["*", "acme", "zeta"];

/** What \`--json\` prints (the fields the test reads). */
interface Read {
  by: string;
  notAdditive: Record<string, string>;
  rows: Record<string, unknown>[];
}

const specDir = (minutes: number) =>
  specFolder({ "probe.ts": PROBE, "job.ts": JOB.replace("windowMinutes: 15", `windowMinutes: ${minutes}`) });

describe("a range read rolls every measure up as one window spanning it would compute it", () => {
  const dirs: string[] = [];
  let dir15: string;
  let small: ResultsDb;
  let large: ResultsDb;
  let from: Date;
  let to: Date;
  const ranges = new Map<string, Read>();
  let perWindow: Read;

  /** The job of a spec folder, generated into a temp dir; its plan's path. */
  async function planOf(dir: string): Promise<{ job: JobSpec; plan: string }> {
    const { job, problems } = await loadSpecs(dir, { typecheck: false });
    expect(problems).toEqual([]);
    const out = mkdtempSync(join(tmpdir(), "rollup-gen-"));
    dirs.push(out);
    const files = generate(job!).filter((f) => f.path.startsWith("sparkgen/generated/"));
    for (const f of files) {
      mkdirSync(dirname(join(out, f.path)), { recursive: true });
      writeFileSync(join(out, f.path), f.text);
    }
    // The step plan is named after the job (`fixture_job.json`).
    const plan = files.find((f) => f.path.startsWith("sparkgen/generated/steps/"))!.path;
    return { job: job!, plan: join(out, plan) };
  }

  async function step(r: ResultsDb, plan: string, input: string, minutes: number, windows: number) {
    const res = await sparkSubmit({
      spark: sparkInstall(),
      script: WINDOW_STEP,
      args: [
        ...["--plan", plan, "--window-start", from.toISOString()],
        ...["--window-end", new Date(from.getTime() + minutes * 60_000).toISOString()],
        ...["--windows", String(windows), "--input", input, "--jdbc-url", r.jdbcUrl],
      ],
      master: "local[2]",
      env: { TRENDS_JDBC_USER: r.user, TRENDS_JDBC_PASSWORD: "" },
    });
    expect(res.code, `${res.stdout.slice(-2000)}\n${res.stderr.slice(-4000)}`).toBe(0);
  }

  beforeAll(async () => {
    dir15 = specDir(15);
    const dir60 = specDir(60);
    dirs.push(dir15, dir60);
    const [p15, p60] = [await planOf(dir15), await planOf(dir60)];
    const layout = layOut(
      [{ spec: "rollup_probe", cases: [{ name: "probe", given: GIVEN, expect: [] }] }],
      15 * 60_000,
      1,
    );
    from = layout.start;
    to = new Date(from.getTime() + 60 * 60_000);
    const raw = mkdtempSync(join(tmpdir(), "rollup-raw-"));
    dirs.push(raw);
    writeFileSync(join(raw, "events.ndjson"), layout.events.map((e) => `${JSON.stringify(e)}\n`).join(""));
    [small, large] = await Promise.all([resultsDb("rollup_15m"), resultsDb("rollup_60m")]);
    for (const [r, job] of [
      [small, p15.job],
      [large, p60.job],
    ] as const)
      for (const s of diffSchemas([], schemaOf(compileJob(job)))) await sql.raw(s).execute(r.db);
    await step(small, p15.plan, `file://${raw}/`, 15, 4);
    await step(large, p60.plan, `file://${raw}/`, 60, 1);
    // Each CLI run type-checks the spec folder (seconds): all of them at once.
    const reads = await Promise.all([
      ...TOPICS.map((t) => query("--topic", t)),
      query("--topic", "*", "--by", "window"),
    ]);
    for (const [i, t] of TOPICS.entries()) ranges.set(t, reads[i]!);
    perWindow = reads.at(-1)!;
  }, SPARK_TIMEOUT);
  afterAll(async () => {
    await Promise.all([small?.db.destroy(), large?.db.destroy()]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** `trends query metric rollup_probe …` against the 15-minute results, parsed. */
  const query = async (...args: string[]) => {
    const r = await trends([
      ...["query", "metric", "rollup_probe", "--specs", dir15, "--json", "--limit", "100"],
      ...["--from", from.toISOString(), "--to", to.toISOString(), "--database-url", small.url, ...args],
    ]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Read;
  };

  /** The one 60-minute window's rows of `topic`, by language. */
  const oneWindow = async (topic: string) => {
    const c = new pg.Client(large.url);
    await c.connect();
    try {
      const { rows } = await c.query("select * from rollup_probe where topic = $1", [topic]);
      return new Map(rows.map((r) => [r.lang as string, r as Record<string, unknown>]));
    } finally {
      await c.end();
    }
  };

  it.each(TOPICS)(
    "topic %s: every additive and re-derivable measure equals the one window's",
    async (topic) => {
      const range = ranges.get(topic)!;
      const whole = await oneWindow(topic);
      expect(range.by).toBe("range");
      expect(range.rows.map((r) => r.lang).sort()).toEqual([...whole.keys()].sort());
      for (const row of range.rows) {
        const w = whole.get(row.lang as string)!;
        for (const m of ADDITIVE) {
          const want = w[m] === null ? null : Number(w[m]);
          if (want === null) expect(row[m], `${topic} ${row.lang} ${m}`).toBeNull();
          else expect(row[m] as number, `${topic} ${row.lang} ${m}`).toBeCloseTo(want, 9);
        }
      }
      // Ranked by the rolled-up share, not a sum of shares (each is 0…1).
      const shares = range.rows.map((r) => r.pos_share as number | null);
      expect(shares.every((s) => s === null || (s >= 0 && s <= 1))).toBe(true);
      expect(shares.filter((s) => s !== null)).toEqual(
        [...shares.filter((s) => s !== null)].sort((a, b) => (b as number) - (a as number)),
      );
    },
  );

  it("flags the measures that do not add up; shows them only for one-window rows, and per window with --by window", async () => {
    const range = ranges.get("*")!;
    expect(Object.keys(range.notAdditive).sort()).toEqual(NOT_ADDITIVE.sort());
    for (const row of range.rows)
      for (const m of NOT_ADDITIVE) {
        if (row.windows === 1) expect(row[m], m).not.toBeNull();
        else expect(row[m], m).toBeNull();
      }
    expect(range.rows.some((r) => (r.windows as number) > 1)).toBe(true);
    expect(perWindow.by).toBe("window");
    const windows = new Set(perWindow.rows.map((r) => r.window_start));
    expect(windows.size).toBe(4);
    for (const row of perWindow.rows) for (const m of NOT_ADDITIVE) expect(row[m], m).not.toBeNull();
    // The stored parts are the table's, not a reader's columns.
    expect(Object.keys(perWindow.rows[0]!).filter((c) => c.endsWith("_num") || c.endsWith("_den"))).toEqual(
      [],
    );
  });
});
