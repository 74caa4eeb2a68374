/**
 * Which stored windows no longer match the specs: from each window's newest succeeded run in
 * `pipeline_run` and the SQL hashes it recorded. A window is stale for a changed metric when it
 * ran another SQL for the metric, for a metric it reads (the alert reads sentiment), or for the
 * event statements every metric reads through.
 */
import type { SqlHashes } from "./hash.ts";
import { EVENT_STATEMENTS } from "./hash.ts";

/** A window's newest succeeded run, as the change report needs it. */
export interface SucceededRun {
  readonly windowStart: Date;
  readonly windowEnd: Date;
  /** NULL for runs recorded before `pipeline_run.sql_hashes` existed. */
  readonly sqlHashes: SqlHashes | null;
}

export interface Recompute {
  /** Windows to recompute, oldest first. */
  readonly windows: readonly {
    readonly start: Date;
    readonly end: Date;
    readonly metrics: readonly string[];
  }[];
  /** Runs of affected windows with no record of their SQL (before migration 0008), oldest first. */
  readonly unrecorded: readonly { readonly start: Date; readonly end: Date }[];
  /** Consecutive windows merged, for `trends run --from … --to …`. */
  readonly ranges: readonly { readonly from: Date; readonly to: Date }[];
}

/**
 * `metrics`: the changed metrics (a change report's breaking ones, or the ones a backfill names);
 * `reads`: per metric, the metrics it reads; `current`: the hashes of the SQL that runs now.
 */
export function recomputeList(
  runs: readonly SucceededRun[],
  metrics: readonly string[],
  reads: ReadonlyMap<string, readonly string[]>,
  current: SqlHashes,
): Recompute {
  const keys = new Map(metrics.map((m) => [m, [m, ...closure(m, reads), ...EVENT_STATEMENTS]]));
  const windows: Recompute["windows"][number][] = [];
  const unrecorded: Recompute["unrecorded"][number][] = [];
  const sorted = [...runs].sort((a, b) => a.windowStart.getTime() - b.windowStart.getTime());
  for (const r of sorted) {
    const window = { start: r.windowStart, end: r.windowEnd };
    if (metrics.length === 0) continue;
    if (!r.sqlHashes) {
      unrecorded.push(window);
      continue;
    }
    const stored = r.sqlHashes;
    // A metric the window never computed (added since) is not stale: it has no stored rows.
    const stale = metrics.filter(
      (m) => stored[m] !== undefined && keys.get(m)!.some((k) => stored[k] !== current[k]),
    );
    if (stale.length > 0) windows.push({ ...window, metrics: stale });
  }
  return { windows, unrecorded, ranges: ranges(windows) };
}

function closure(
  m: string,
  reads: ReadonlyMap<string, readonly string[]>,
  seen = new Set<string>(),
): string[] {
  for (const r of reads.get(m) ?? []) {
    if (seen.has(r)) continue;
    seen.add(r);
    closure(r, reads, seen);
  }
  return [...seen];
}

function ranges(windows: readonly { start: Date; end: Date }[]): { from: Date; to: Date }[] {
  const out: { from: Date; to: Date }[] = [];
  for (const w of windows) {
    const last = out.at(-1);
    if (last && last.to.getTime() === w.start.getTime()) last.to = w.end;
    else out.push({ from: w.start, to: w.end });
  }
  return out;
}

const iso = (d: Date) => d.toISOString().replace(".000Z", "Z");

/** Where the recompute commands read and write: `trends sparkgen plan`'s `--input` and whether `--database` was given. */
export interface RecomputeTarget {
  /** The raw event tree; RAW_TREE stands in when the command was not given one. */
  readonly input?: string | undefined;
  /** A database other than the local default: the commands pass `$DATABASE_URL` (never the URL, which may hold a password). */
  readonly database?: boolean | undefined;
}

/** `'…'` for a POSIX shell: a path or URL pasted as one word, whatever it holds. */
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** The commands that recompute exactly these windows, with the input and database they need. */
export function recomputeCommands(
  r: Recompute,
  metrics: readonly string[],
  to: RecomputeTarget = {},
): string[] {
  if (r.windows.length === 0) return [];
  const where = [
    `--input ${to.input ? shellWord(to.input) : "RAW_TREE"}`,
    ...(to.database ? ['--database-url "$DATABASE_URL"'] : []),
  ].join(" ");
  return [
    `trends schedule --backfill --metrics ${metrics.join(",")} ${where}`,
    ...r.ranges.map((x) => `trends run ${where} --from ${iso(x.from)} --to ${iso(x.to)}`),
  ];
}
