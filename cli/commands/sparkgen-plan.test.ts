import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { committedManifest, type Manifest } from "../../sparkgen/changes/index.ts";
import { MANIFEST, REPO_ROOT } from "../../sparkgen/index.ts";
import { runInProcess } from "../in-process.ts";

const git = (args: string[], input?: string) =>
  execFileSync("git", args, {
    cwd: REPO_ROOT,
    encoding: "utf8",
    ...(input === undefined ? {} : { input }),
  }).trim();

/**
 * A commit object holding only a manifest, as if `weights.retweets` had been 0.5 at that ref
 * (its score and rank fingerprints differ from today's): a base for `--base` without touching a
 * branch, the index or the working tree. Dangling objects; `git gc` removes them.
 */
const commitWithManifest = (m: Manifest): string => commitWithText(`${JSON.stringify(m, null, 2)}\n`);

function commitWithText(manifest: string): string {
  let sha = git(["hash-object", "-w", "--stdin"], manifest);
  const parts = MANIFEST.split("/");
  for (let k = parts.length - 1; k >= 0; k--) {
    const mode = k === parts.length - 1 ? "100644 blob" : "040000 tree";
    sha = git(["mktree"], `${mode} ${sha}\t${parts[k]}\n`);
  }
  return git(["commit-tree", sha, "-m", "trends plan test base"]);
}

let weightRef: string;
/** Bases whose manifest is not one, by the name the cases below use. */
const refs: Record<string, string> = {};

beforeAll(() => {
  const m = committedManifest();
  const changed: Manifest = {
    ...m,
    metrics: m.metrics.map((x) =>
      x.name !== "influencer_window"
        ? x
        : {
            ...x,
            fields: { ...x.fields, "weights.retweets": 0.5, "weights.favourites": 0.1 },
            rows: "older-rows",
            lineage: {
              ...x.lineage,
              score: { ...x.lineage.score!, fingerprint: "older-score" },
              rank: { ...x.lineage.rank!, fingerprint: "older-rank" },
            },
          },
    ),
  };
  weightRef = commitWithManifest(changed);
  const conflict = `<<<<<<< HEAD\n${JSON.stringify(m)}\n=======\n{}\n>>>>>>> other\n`;
  refs.conflictRef = commitWithText(conflict);
  refs.nullRef = commitWithText("null\n");
  refs.emptyRef = commitWithText("{}\n");
});

describe("trends sparkgen plan / lineage", () => {
  it("plans nothing against HEAD when the specs are the committed ones", async () => {
    const r = await runInProcess(["sparkgen", "plan", "--json", "--exit-code"]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { breaking: boolean; metrics: { category: string }[] };
    expect(doc.breaking).toBe(false);
    expect(doc.metrics.every((m) => m.category === "unchanged")).toBe(true);
  });

  it("a weight change is breaking, names weights.retweets, and exits 5 with --exit-code", async () => {
    const r = await runInProcess(["sparkgen", "plan", "--base", weightRef, "--exit-code"]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toContain("### influencer_window (influencer): breaking");
    expect(r.stdout).toContain("- **weight** `weights.retweets` 0.5 → 0.35");
    expect(r.stdout).toContain("- Columns: values change: rank, score");
    expect(r.stdout).toContain("No database given: pass `--database URL`");
    const plain = await runInProcess(["sparkgen", "plan", "--base", weightRef]);
    expect(plain.code).toBe(0);
  });

  it("prints the lineage of one column, or of a metric", async () => {
    const one = await runInProcess(["sparkgen", "lineage", "influencer_window.score"]);
    expect(one.stdout).toBe(
      "influencer_window.score ← id, author_followers, retweet_count, like_count, ref_author_followers, ref_retweet_count, ref_like_count; filtered or joined by author_id, ref_type, ref_id, ref_author_id\n",
    );
    const all = await runInProcess(["sparkgen", "lineage", "sentiment_alert", "--json"]);
    expect(JSON.parse(all.stdout)["sentiment_alert.drop"]).toEqual({
      events: ["sentiment_score"],
      via: ["sentiment_window.avg_score"],
      window: false,
      by: ["sentiment_window.n_scored", "sentiment_window.window_start"],
    });
  });

  it.each([
    [["sparkgen", "plan", "--base", "no-such-ref"], "is not a commit of this repository"],
    [["sparkgen", "plan", "--base=-evil"], "is not a git ref"],
    [["sparkgen", "plan", "--database", "mysql://x"], "--database is not a postgres:// URL"],
    [["sparkgen", "lineage", "nope"], 'no metric "nope"'],
    [["sparkgen", "lineage", "influencer_window.nope"], 'influencer_window has no column "nope"'],
    [["sparkgen", "lineage", "influencer_window.score.extra"], "is not METRIC or METRIC.COLUMN"],
    // Issue 29: a malformed manifest at the base ref names the ref and the file, without a stack.
    [["sparkgen", "plan", "--base", "conflictRef"], ":sparkgen/generated/manifest.json is not JSON"],
    [["sparkgen", "plan", "--base", "nullRef"], "is not a version 1 manifest (the top level"],
    [["sparkgen", "plan", "--base", "emptyRef"], "is not a version 1 manifest (version"],
  ])("%j is one line and exit 2", async (args, message) => {
    const ref = refs[args[3] ?? ""];
    if (ref) args[3] = ref;
    const r = await runInProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.split("\n").filter(Boolean).length).toBeLessThanOrEqual(2);
  });
});

describe("trends schedule --backfill flags", () => {
  it.each([
    [["schedule", "--metrics", "influencer_window"], "--metrics goes with --backfill"],
    [
      ["schedule", "--backfill", "--metrics", "Influencer Window"],
      "is not a comma-separated list of metric names",
    ],
    // Issue 29: --backfill runs once over the stale windows, so a start or a period is refused.
    [["schedule", "--backfill", "--from", "2026-11-26T00:00:00Z"], "--from does not go with --backfill"],
    [["schedule", "--backfill", "--every", "15m"], "--every does not go with --backfill"],
  ])("%j is one line and exit 2", async (args, message) => {
    const r = await runInProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
