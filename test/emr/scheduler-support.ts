import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import type { StepRequest, StepRunner, StepStatus } from "../../emr/index.ts";
import type { Window } from "../../runtime/windows/index.ts";
import { type Database, migrateToLatest, openDb } from "../../sql/index.ts";
import { freshDatabase } from "../support/services.ts";

export const windowOf = (iso: string): Window => {
  const start = new Date(iso);
  return { start, end: new Date(start.getTime() + 15 * 60_000) };
};

/** One valid event record v1 (docs/contracts.md), scored, tagged with the `acme` rule. */
export function eventLine(id: string, createdAt: Date, score: number): string {
  return JSON.stringify({
    v: 1,
    id,
    created_at: createdAt.toISOString(),
    ingested_at: new Date(createdAt.getTime() + 2000).toISOString(),
    author_id: `a${id}`,
    author_username: `user${id}`,
    author_followers: 10,
    text: "acme phone update",
    lang: "en",
    retweet_count: 0,
    like_count: 0,
    reply_count: 0,
    quote_count: 0,
    ref_type: null,
    ref_id: null,
    ref_author_id: null,
    ref_author_username: null,
    ref_author_followers: null,
    ref_retweet_count: null,
    ref_like_count: null,
    rules: ["acme"],
    sentiment_score: score,
    sentiment_magnitude: Math.abs(score),
    sentiment_source: "vader",
  });
}

/** `n` events spread over the window's first `n` × 30 s, all with `score`; ids `<tag>-<k>`. */
export const windowEvents = (w: Window, tag: string, n: number, score: number): string[] =>
  Array.from({ length: n }, (_, k) =>
    eventLine(`${tag}-${k}`, new Date(w.start.getTime() + k * 30_000), score),
  );

/** sentiment_window rows for seeded baseline windows: each topic n_scored 20 with `avg`. */
export const seededSentiment = (starts: readonly Date[], topics: readonly string[], avg = 0.5) =>
  starts.flatMap((start) =>
    topics.map((topic) => ({
      window_start: start,
      window_end: new Date(start.getTime() + 15 * 60_000),
      topic,
      n_tweets: 20,
      n_scored: 20,
      avg_score: avg,
      avg_magnitude: 0.5,
      pos_share: 1,
      neg_share: 0,
    })),
  );

/** Writes an object into `root/<hourPrefix><name>` (Firehose's layout, newline-terminated lines). */
export function writeObject(root: string, hourPrefix: string, name: string, lines: readonly string[]): void {
  mkdirSync(join(root, hourPrefix), { recursive: true });
  writeFileSync(join(root, hourPrefix, name), `${lines.join("\n")}\n`);
}

export interface TestDb {
  url: string;
  db: Kysely<Database>;
}

export async function migratedDb(prefix: string): Promise<TestDb> {
  const url = await freshDatabase(prefix);
  const db = openDb(url);
  await migrateToLatest(db);
  return { url, db };
}

/**
 * Wraps a real runner and injects failures without starting Spark: a failed attempt of a listed
 * window returns a step that is FAILED at once. Everything else goes to the real runner.
 */
export class FaultyRunner implements StepRunner {
  readonly kind: StepRunner["kind"];
  /** Window starts (ISO) handed to the real runner, in order. */
  readonly realSubmits: string[] = [];
  readonly #real: StepRunner;
  readonly #failFirst: Set<string>;
  readonly #alwaysFail: Set<string>;
  readonly #seen = new Map<string, number>();
  readonly #fake = new Map<string, StepStatus>();

  constructor(real: StepRunner, faults: { failFirst?: string[]; alwaysFail?: string[] }) {
    this.kind = real.kind;
    this.#real = real;
    this.#failFirst = new Set(faults.failFirst);
    this.#alwaysFail = new Set(faults.alwaysFail);
  }

  async submit(req: StepRequest): Promise<string> {
    const k = req.window.start.toISOString();
    const n = (this.#seen.get(k) ?? 0) + 1;
    this.#seen.set(k, n);
    if (this.#alwaysFail.has(k) || (this.#failFirst.has(k) && n === 1)) {
      const id = `fault-${k}-${n}`;
      this.#fake.set(id, { id, state: "FAILED", reason: `injected fault (attempt ${n})` });
      return id;
    }
    this.realSubmits.push(k);
    return this.#real.submit(req);
  }

  status(id: string): Promise<StepStatus> {
    const f = this.#fake.get(id);
    return f ? Promise.resolve(f) : this.#real.status(id);
  }

  wait(id: string, signal?: AbortSignal): Promise<StepStatus> {
    const f = this.#fake.get(id);
    return f ? Promise.resolve(f) : this.#real.wait(id, signal);
  }

  async cancel(id: string): Promise<void> {
    if (!this.#fake.has(id)) await this.#real.cancel(id);
  }
}

/** Sentiment rows per window start (ISO) → topics, to check each window's results exist once. */
export async function topicsByWindow(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const rows = await db
    .selectFrom("sentiment_window")
    .select(["window_start", "topic"])
    .orderBy("window_start")
    .orderBy("topic")
    .execute();
  const out: Record<string, string[]> = {};
  for (const r of rows) {
    const k = r.window_start.toISOString();
    out[k] = [...(out[k] ?? []), r.topic];
  }
  return out;
}

const r6 = (x: number | null) => (x === null ? null : Math.round(x * 1e6) / 1e6);

export async function alerts(db: Kysely<Database>) {
  const rows = await db
    .selectFrom("sentiment_alert")
    .selectAll()
    .orderBy("window_start")
    .orderBy("topic")
    .execute();
  return rows.map((a) => ({
    window: a.window_start.toISOString().slice(11, 16),
    topic: a.topic,
    severity: a.severity,
    avg_score: r6(a.avg_score),
    baseline_mean: r6(a.baseline_mean),
    baseline_sd: r6(a.baseline_sd),
    baseline_windows: a.baseline_windows,
    drop: r6(a.drop),
    n_scored: Number(a.n_scored),
  }));
}

/** Attempts per window as `status` lists, and whether any two attempts of a window overlapped in time. */
export async function attempts(db: Kysely<Database>) {
  const rows = await db
    .selectFrom("pipeline_run")
    .selectAll()
    .orderBy("window_start")
    .orderBy("attempt")
    .execute();
  const byWindow: Record<string, string[]> = {};
  let overlaps = 0;
  const last = new Map<string, Date | null>();
  for (const r of rows) {
    const k = r.window_start.toISOString().slice(11, 16);
    byWindow[k] = [...(byWindow[k] ?? []), r.status];
    const prevEnd = last.get(k);
    if (prevEnd === null || (prevEnd && prevEnd > r.started_at)) overlaps++;
    last.set(k, r.finished_at);
  }
  return { byWindow, overlaps, rows };
}

/** Every row of a result table in a stable order, without `computed_at`; doubles to 12 significant digits. */
export async function tableRows(db: Kysely<Database>, table: string): Promise<string[]> {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
  const show = (v: unknown) =>
    v instanceof Date ? v.toISOString() : typeof v === "number" ? Number(v.toPrecision(12)) : v;
  return rows
    .map((r) =>
      JSON.stringify(
        Object.keys(r)
          .filter((k) => k !== "computed_at") // when a row was written, not what it says
          .sort()
          .map((k) => [k, show(r[k])]),
      ),
    )
    .sort();
}
