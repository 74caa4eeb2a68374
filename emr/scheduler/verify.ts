/**
 * `trends sparkgen plan --verify`: the newest stored windows recomputed with the working tree's
 * step into a scratch database on the same server, then each metric's rows compared with the
 * stored ones (sparkgen/changes compare-rows.ts). The stored database is only read.
 *
 * A scratch database rather than a scratch schema: the step's JDBC writer and the migrations
 * address the database's own tables, so a database needs no change to either. The history a
 * verified window reads (an alert's baseline: earlier windows of another metric) is copied from the
 * stored rows, not recomputed: the verified windows then see what a backfill of exactly those
 * windows would see, and a window the stored database never computed stays absent.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Settings } from "../../runtime/config/index.ts";
import { TrendsError, usageError } from "../../runtime/errors/index.ts";
import { createDatabase } from "../../runtime/postgres/index.ts";
import { compareRows, type Row, type Verification } from "../../sparkgen/changes/index.ts";
import { generate, WINDOW_JOB_PLAN, writeGenerated } from "../../sparkgen/index.ts";
import type { JobSpec } from "../../sparkgen/spec/kinds.ts";
import { openPipeline } from "./deps.ts";
import { runRange } from "./run-range.ts";

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

interface Span {
  readonly start: Date;
  readonly end: Date;
}

export interface VerifyOptions {
  /** The working tree's job (its specs as loaded now, whether or not `trends sparkgen` wrote them). */
  readonly job: JobSpec;
  /** The stored results database (read only; its user must be allowed to create a database). */
  readonly databaseUrl: string;
  /** The raw event tree the stored windows were computed from (`--input`). */
  readonly input: string | undefined;
  /** How many of the newest stored windows to compare. */
  readonly windows: number;
  readonly master?: string | undefined;
  readonly onProgress?: (line: string) => void;
}

/** The metrics of a job plan and how many windows before a window their history reads. */
function planMetrics(path: string): { names: string[]; before: number; history: string[] } {
  const plan = JSON.parse(readFileSync(path, "utf8")) as {
    metrics: { name: string; history?: { table: string; before: number } | null }[];
  };
  return {
    names: plan.metrics.map((m) => m.name),
    before: Math.max(0, ...plan.metrics.map((m) => m.history?.before ?? 0)),
    history: [...new Set(plan.metrics.flatMap((m) => (m.history ? [m.history.table] : [])))],
  };
}

/** Consecutive windows merged, each a range one step computes. */
function runsOf(windows: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const w of windows) {
    const last = out.at(-1);
    if (last && last.end.getTime() === w.start.getTime())
      out[out.length - 1] = { start: last.start, end: w.end };
    else out.push({ ...w });
  }
  return out;
}

/** The stored rows of `table` in [from, to) outside the verified windows, inserted into the scratch database. */
async function copyHistory(
  stored: pg.Client,
  scratch: pg.Client,
  table: string,
  from: Date,
  to: Date,
  verified: readonly Span[],
): Promise<number> {
  if (!IDENTIFIER.test(table)) throw new TrendsError(`${table} is not a table name`);
  const { rows } = await stored.query(
    `select * from "${table}" where window_start >= $1 and window_start < $2 and not (window_start = any($3::timestamptz[]))`,
    [from, to, verified.map((w) => w.start)],
  );
  for (const row of rows) {
    const cols = Object.keys(row);
    if (!cols.every((c) => IDENTIFIER.test(c)))
      throw new TrendsError(`${table} has a column that is not an identifier`);
    await scratch.query(
      `insert into "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) values (${cols.map((_, i) => `$${i + 1}`).join(", ")})`,
      cols.map((c) => row[c]),
    );
  }
  return rows.length;
}

async function newestWindows(c: pg.Client, n: number): Promise<Span[]> {
  const { rows } = await c.query<{ window_start: Date; window_end: Date }>(
    `select distinct window_start, window_end from pipeline_run where status = 'succeeded'
     order by window_start desc limit $1`,
    [n],
  );
  return rows.map((r) => ({ start: r.window_start, end: r.window_end })).reverse();
}

async function rowsOf(c: pg.Client, table: string, windows: readonly Span[]): Promise<Row[]> {
  if (!IDENTIFIER.test(table)) throw new TrendsError(`${table} is not a table name`);
  const exists = await c.query("select 1 from information_schema.tables where table_name = $1", [table]);
  if (!exists.rowCount) return [];
  const { rows } = await c.query(`select * from "${table}" where window_start = any($1::timestamptz[])`, [
    windows.map((w) => w.start),
  ]);
  return rows;
}

async function columnsOf(c: pg.Client, table: string): Promise<string[]> {
  const { rows } = await c.query<{ column_name: string }>(
    `select column_name from information_schema.columns
     where table_schema = current_schema() and table_name = $1 and column_name <> 'computed_at'`,
    [table],
  );
  return rows.map((r) => r.column_name);
}

export async function verifyStoredWindows(s: Settings, o: VerifyOptions): Promise<Verification> {
  const stored = new pg.Client(o.databaseUrl);
  await stored.connect();
  const name = `trends_verify_${randomBytes(4).toString("hex")}`;
  // The working job's step files, generated here: the step the change would ship.
  const dir = mkdtempSync(join(tmpdir(), "trends-verify-"));
  writeGenerated(generate(o.job), dir);
  const plan = join(dir, WINDOW_JOB_PLAN);
  let scratch: pg.Client | undefined;
  try {
    const windows = await newestWindows(stored, o.windows);
    if (windows.length === 0)
      throw usageError(
        "the database has no succeeded window to verify against",
        "run the pipeline first (trends run or trends demo), or drop --verify",
      );
    const { names, before, history } = planMetrics(plan);
    const windowMs = windows[0]!.end.getTime() - windows[0]!.start.getTime();
    const from = new Date(windows[0]!.start.getTime() - before * windowMs);
    const url = await createDatabase(o.databaseUrl, name);
    o.onProgress?.(
      `verify: recomputing ${windows.length} stored window(s) into the scratch database ${name}`,
    );
    const p = await openPipeline(
      { ...s, databaseUrl: url },
      { runner: "local", input: o.input, maxAttempts: 1, retryDelayMs: 0, master: o.master, plan },
    );
    try {
      scratch = new pg.Client(url);
      await scratch.connect();
      for (const table of history)
        await copyHistory(stored, scratch, table, from, windows.at(-1)!.end, windows);
      for (const r of runsOf(windows)) {
        const outcomes = await runRange(p.deps, r.start, r.end);
        const failed = outcomes.filter((x) => x.status !== "succeeded");
        if (failed.length > 0)
          throw new TrendsError(
            `verify: the working tree's step failed on ${failed.length} window(s), first ${failed[0]!.window.start.toISOString()}`,
          );
      }
    } finally {
      await p.close();
    }
    const metrics = new Map<string, ReturnType<typeof compareRows>>();
    for (const table of names) {
      const columns = (await columnsOf(stored, table)).filter((c) => c !== "run_id");
      const fresh = new Set(await columnsOf(scratch, table));
      const shared = columns.filter((c) => fresh.has(c));
      metrics.set(
        table,
        compareRows(await rowsOf(stored, table, windows), await rowsOf(scratch, table, windows), shared),
      );
    }
    return { windows, metrics };
  } finally {
    await scratch?.end();
    await stored.query(`drop database if exists "${name}" with (force)`).catch(() => {});
    await stored.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
