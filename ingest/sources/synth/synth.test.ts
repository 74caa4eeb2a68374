import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateEvent } from "../../../sparkgen/schema/index.ts";
import { normalise } from "../../normalise/index.ts";
import { Rng, SynthStream, synthSource, truthPathFor, writeSynthFile } from "./index.ts";

const base = {
  tweets: 3_000,
  seed: 42,
  start: new Date("2026-11-26T04:00:00Z"),
  minutes: 60,
  crisisAt: new Date("2026-11-26T04:30:00Z"),
  crisisTopic: "acme",
};

/**
 * The record fields these tests read. (EventV1 currently types every column as nullable — the
 * schema's `nullable` inference widens to boolean — so the tests narrow it here.)
 */
interface Rec {
  id: string;
  retweet_count: number;
  like_count: number;
  ref_author_followers: number | null;
  ref_retweet_count: number | null;
  ref_like_count: number | null;
  created_at: string;
  author_id: string;
  author_followers: number;
  text: string;
  lang: string | null;
  rules: string[];
  hashtags?: string[];
  mentions?: string[];
  urls?: string[];
  ref_type: string | null;
  ref_id: string | null;
  ref_author_id: string | null;
}

const dir = mkdtempSync(join(tmpdir(), "synth-"));

function records(lines: string[]): { ok: Rec[]; bad: string[] } {
  const ok: Rec[] = [];
  const bad: string[] = [];
  for (const l of lines) {
    const r = normalise(l, "2026-11-26T06:00:00.000Z");
    if (r.ok) ok.push(r.record as Rec);
    else bad.push(r.reason);
  }
  return { ok, bad };
}

describe("Rng", () => {
  it("is reproducible for a seed and differs between seeds", () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const c = new Rng(2);
    const xs = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe("writeSynthFile", () => {
  it("leaves neither an empty file nor a partial one when generation fails, and keeps an old file", () => {
    const own = mkdtempSync(join(tmpdir(), "synth-fail-"));
    const kept = join(own, "kept.ndjson");
    writeFileSync(kept, "old\n");
    // Past synthOptionsFrom's limits the generator cannot allocate its timestamps and throws.
    expect(() => writeSynthFile({ ...base, tweets: 1e12 }, join(own, "new.ndjson"))).toThrow(RangeError);
    expect(() => writeSynthFile({ ...base, tweets: 1e12 }, kept)).toThrow(RangeError);
    expect(readdirSync(own)).toEqual(["kept.ndjson"]);
    expect(readFileSync(kept, "utf8")).toBe("old\n");
  });
});

describe("synthetic stream", () => {
  it("writes the same bytes for the same seed, other bytes for another seed", () => {
    const f1 = join(dir, "a.ndjson");
    const f2 = join(dir, "b.ndjson");
    const f3 = join(dir, "c.ndjson");
    writeSynthFile(base, f1);
    writeSynthFile(base, f2);
    writeSynthFile({ ...base, seed: 43 }, f3);
    expect(readFileSync(f1).equals(readFileSync(f2))).toBe(true);
    expect(readFileSync(truthPathFor(f1), "utf8")).toBe(readFileSync(truthPathFor(f2), "utf8"));
    expect(readFileSync(f1).equals(readFileSync(f3))).toBe(false);
  });

  it("ends every line in CRLF, and every tweet normalises to a valid v1 record matching the truth", () => {
    const file = join(dir, "t.ndjson");
    const truth = writeSynthFile({ ...base, corrupt: 7 }, file);
    const text = readFileSync(file, "utf8");
    expect(text.endsWith("\r\n")).toBe(true);
    const lines = text.slice(0, -2).split("\r\n");
    expect(lines).toHaveLength(3_007);
    expect(truth.lines).toBe(3_007);
    const { ok, bad } = records(lines);
    expect(ok).toHaveLength(3_000);
    expect(bad).toHaveLength(7);
    expect(truth.corrupted).toBe(7);
    for (const n of truth.corruptedLines)
      expect(normalise(lines[n - 1]!, "2026-11-26T06:00:00.000Z").ok).toBe(false);
    for (const r of ok.slice(0, 200)) {
      const v = validateEvent({
        ...r,
        sentiment_score: null,
        sentiment_magnitude: null,
        sentiment_source: null,
      });
      expect(v.ok).toBe(true);
    }
    // Counts by topic and window, recomputed from the records.
    const counts: Record<string, number> = { "*": ok.length };
    const windows: Record<string, Record<string, number>> = {};
    for (const r of ok) {
      const t = Date.parse(r.created_at);
      expect(t >= base.start.getTime() && t < base.start.getTime() + 3_600_000).toBe(true);
      const w = new Date(Math.floor(t / 900_000) * 900_000).toISOString();
      windows[w] ??= { "*": 0 };
      windows[w]["*"]!++;
      for (const tag of r.rules) {
        counts[tag] = (counts[tag] ?? 0) + 1;
        windows[w][tag] = (windows[w][tag] ?? 0) + 1;
      }
    }
    expect(truth.counts).toEqual(counts);
    expect(truth.windows).toEqual(windows);
    expect(Object.keys(windows)).toHaveLength(4);
    // created_at is non-decreasing, like a live stream.
    expect(ok.map((r) => r.created_at)).toEqual(ok.map((r) => r.created_at).sort());
    // The same valid tweets with or without corruption.
    const clean = new SynthStream(base);
    expect(records([...clean.lines()]).ok.map((r) => r.text)).toEqual(ok.map((r) => r.text));
  });

  it("has heavy-tailed followers, deep cascades, other languages, emoji, links and mentions", () => {
    const s = new SynthStream(base);
    const { ok } = records([...s.lines()]);
    const followers = [...new Map(ok.map((r) => [r.author_id, r.author_followers])).values()].sort(
      (a, b) => a - b,
    );
    const median = followers[Math.floor(followers.length / 2)]!;
    expect(followers.at(-1)! / median).toBeGreaterThan(1_000);
    const byId = new Map(ok.map((r) => [r.id, r]));
    const depth = (r: Rec): number => {
      const parent = r.ref_id ? byId.get(r.ref_id) : undefined;
      return r.ref_id ? 1 + (parent ? depth(parent) : 0) : 0;
    };
    expect(Math.max(...ok.map(depth))).toBeGreaterThanOrEqual(4);
    expect(new Set(ok.map((r) => r.ref_type))).toEqual(new Set([null, "retweeted", "replied_to", "quoted"]));
    expect(new Set(ok.map((r) => r.lang))).toEqual(new Set(["en", "es", "fr", "de", "pt", "ja"]));
    expect(ok.some((r) => /[😍🔥😡😭]/u.test(r.text))).toBe(true);
    expect(ok.some((r) => r.text.includes("https://t.co/"))).toBe(true);
    expect(ok.some((r) => r.text.startsWith("@"))).toBe(true);
    // Entities match the text: every hashtag, mention and link the text carries is listed.
    for (const r of ok) {
      for (const h of r.hashtags ?? []) expect(r.text).toContain(`#${h}`);
      for (const m of r.mentions ?? []) expect(r.text.toLowerCase()).toContain(`@${m}`);
      expect((r.urls ?? []).length).toBe(r.text.split("https://t.co/").length - 1);
      expect((r.mentions ?? []).length).toBe(r.text.split("@").length - 1);
      if (r.ref_type === "retweeted") {
        const original = byId.get(r.ref_id!);
        if (original) expect(r.hashtags).toEqual(original.hashtags);
      }
    }
    expect(ok.some((r) => r.urls?.[0]?.startsWith("https://www."))).toBe(true);
    expect(ok.some((r) => (r.hashtags ?? []).length > 0)).toBe(true);
    // A retweet references the original directly: never a retweet of a retweet.
    for (const r of ok)
      if (r.ref_type === "retweeted") expect(byId.get(r.ref_id!)?.ref_type).not.toBe("retweeted");
  });

  it("makes one author per topic dominant by followers and retweets in every window", () => {
    const s = new SynthStream(base);
    const { ok } = records([...s.lines()]);
    const truth = s.result();
    for (const topic of truth.topics) {
      const top = truth.topInfluencer[topic]!;
      for (const w of Object.keys(truth.windows)) {
        const inW = ok.filter(
          (r) =>
            r.rules.includes(topic) &&
            r.created_at >= w &&
            r.created_at < new Date(Date.parse(w) + 900_000).toISOString(),
        );
        const rts = new Map<string, number>();
        const fol = new Map<string, number>();
        for (const r of inW) {
          fol.set(r.author_id, Math.max(fol.get(r.author_id) ?? 0, r.author_followers));
          if (r.ref_type === "retweeted") rts.set(r.ref_author_id!, (rts.get(r.ref_author_id!) ?? 0) + 1);
        }
        const maxBy = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1])[0]![0];
        expect(maxBy(fol), `${topic} ${w} followers`).toBe(top.author_id);
        expect(maxBy(rts), `${topic} ${w} retweets`).toBe(top.author_id);
      }
    }
  });

  it("ranks that author first in every window by docs/contracts.md's influencer score", () => {
    const s = new SynthStream(base);
    const { ok } = records([...s.lines()]);
    const truth = s.result();
    for (const topic of truth.topics) {
      for (const w of Object.keys(truth.windows)) {
        const end = new Date(Date.parse(w) + 900_000).toISOString();
        const inW = ok.filter((r) => r.rules.includes(topic) && r.created_at >= w && r.created_at < end);
        expect(topInfluencer(inW), `${topic} ${w}`).toBe(truth.topInfluencer[topic]!.author_id);
      }
    }
  });

  it("turns the crisis topic negative after --crisis-at", () => {
    const s = new SynthStream({ ...base, tweets: 4_000 });
    const { ok } = records([...s.lines()]);
    const negShare = (after: boolean) => {
      const xs = ok.filter(
        (r) =>
          r.rules[0] === "acme" &&
          r.ref_type !== "retweeted" &&
          r.lang === "en" &&
          r.created_at >= "2026-11-26T04:30:00.000Z" === after,
      );
      return (
        xs.filter((r) =>
          /useless|worst|terrible|disappointed|scam|buggy|recall|hate|disaster|angry/.test(r.text),
        ).length / xs.length
      );
    };
    expect(negShare(false)).toBeLessThan(0.3);
    expect(negShare(true)).toBeGreaterThan(0.65);
    expect(s.result().crisis).toEqual({ at: "2026-11-26T04:30:00.000Z", topic: "acme" });
  });

  it("is a Source that stops when aborted", async () => {
    const src = synthSource({ ...base, tweets: 100 });
    const ac = new AbortController();
    const got: string[] = [];
    for await (const m of src.messages(ac.signal)) {
      got.push(m);
      if (got.length === 10) ac.abort();
    }
    expect(got).toHaveLength(10);
    expect(src.name).toBe("synth");
  });
});

/** docs/contracts.md's influencer score for one (window, topic), worked out plainly: the top author. */
function topInfluencer(rs: Rec[]): string {
  const tweetsOf = new Map<string, Set<string>>();
  const followers = new Map<string, number>();
  const rt = new Map<string, number>();
  const likes = new Map<string, number>();
  const children = new Map<string, string[]>();
  const add = <K>(m: Map<K, number>, k: K, v: number) => m.set(k, Math.max(m.get(k) ?? 0, v));
  const own = (a: string, p: string) => tweetsOf.set(a, (tweetsOf.get(a) ?? new Set()).add(p));
  for (const r of rs) {
    add(followers, r.author_id, r.author_followers);
    if (r.ref_type !== "retweeted") {
      own(r.author_id, r.id);
      add(rt, r.id, r.retweet_count);
      add(likes, r.id, r.like_count);
    } else tweetsOf.set(r.author_id, tweetsOf.get(r.author_id) ?? new Set());
    if (r.ref_id && r.ref_author_id) {
      own(r.ref_author_id, r.ref_id);
      add(followers, r.ref_author_id, r.ref_author_followers ?? 0);
      add(rt, r.ref_id, r.ref_retweet_count ?? 0);
      add(likes, r.ref_id, r.ref_like_count ?? 0);
    }
    if (r.ref_id) children.set(r.ref_id, [...(children.get(r.ref_id) ?? []), r.id]);
  }
  for (const [p, cs] of children) {
    const n = rs.filter((r) => r.ref_type === "retweeted" && r.ref_id === p).length;
    if (cs.length) add(rt, p, n);
  }
  const depth = (p: string, d = 0): number =>
    d >= 8 ? 8 : Math.max(0, ...(children.get(p) ?? []).map((c) => 1 + depth(c, d + 1)));
  const stats = [...tweetsOf].map(([a, ps]) => ({
    a,
    retweets: [...ps].reduce((x, p) => x + (rt.get(p) ?? 0), 0),
    favourites: [...ps].reduce((x, p) => x + (likes.get(p) ?? 0), 0),
    followers: followers.get(a) ?? 0,
    depth: Math.min(8, Math.max(0, ...[...ps].map((p) => depth(p)))),
  }));
  const keys = ["retweets", "favourites", "followers", "depth"] as const;
  const max = Object.fromEntries(keys.map((k) => [k, Math.max(...stats.map((x) => x[k]))]));
  const c = (x: number, m: number) => (m === 0 ? 0 : Math.log1p(x) / Math.log1p(m));
  const score = (x: (typeof stats)[number]) =>
    0.35 * c(x.retweets, max.retweets!) +
    0.25 * c(x.favourites, max.favourites!) +
    0.25 * c(x.followers, max.followers!) +
    0.15 * c(x.depth, max.depth!);
  stats.sort((x, y) => score(y) - score(x) || y.followers - x.followers || (x.a < y.a ? -1 : 1));
  return stats[0]!.a;
}
