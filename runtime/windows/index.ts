import { usageError } from "../errors/index.ts";

// The shared parsers of times and durations; re-exported so window code imports one module.
export { MAX_DURATION_MS, parseDuration, parseTime, readInstant } from "../time/index.ts";

/** A processing window: half-open `[start, end)` on event time, aligned to UTC. */
export interface Window {
  readonly start: Date;
  readonly end: Date;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The window starting exactly at `start`; an unaligned start is a usage error. */
export function windowAt(start: Date, minutes: number, flag = "--window"): Window {
  if (start.getTime() % (minutes * MINUTE) !== 0) {
    const floor = windowContaining(start, minutes).start.toISOString();
    throw usageError(
      `${flag} ${start.toISOString()} is not on a ${minutes}-minute boundary`,
      `use a window start such as ${floor}`,
    );
  }
  return { start, end: new Date(start.getTime() + minutes * MINUTE) };
}

/** The window that holds instant `t`. */
export function windowContaining(t: Date, minutes: number): Window {
  const size = minutes * MINUTE;
  const start = Math.floor(t.getTime() / size) * size;
  return { start: new Date(start), end: new Date(start + size) };
}

/**
 * Every window whose start lies in `[from, to)`, oldest first. `from` must be aligned. With
 * `max`, a range holding more windows is refused before any is built (the fix names a `--to`
 * that fits), so `--from 2016… --to 2026…` cannot print hundreds of megabytes.
 */
export function windowsBetween(
  from: Date,
  to: Date,
  minutes: number,
  max?: { windows: number; why: string },
): Window[] {
  const first = windowAt(from, minutes, "--from");
  const size = minutes * MINUTE;
  const count = Math.max(0, Math.ceil((to.getTime() - first.start.getTime()) / size));
  if (max && count > max.windows) {
    const fits = new Date(first.start.getTime() + max.windows * size).toISOString();
    throw usageError(
      `--from/--to hold ${count} windows; at most ${max.windows} are taken at once (${max.why})`,
      `split the range, e.g. --to ${fits} first`,
    );
  }
  const out: Window[] = [];
  for (let t = first.start.getTime(); t < to.getTime(); t += size) {
    out.push({ start: new Date(t), end: new Date(t + size) });
  }
  return out;
}

/** A window is due once it is closed and its lateness allowance has passed. */
export const isDue = (w: Window, now: Date, latenessMinutes: number): boolean =>
  w.end.getTime() + latenessMinutes * MINUTE <= now.getTime();

/**
 * Arrival-hour prefixes (`YYYY/MM/DD/HH/`, Firehose's UTC layout) that can hold a window's events:
 * from one hour before the window (clock skew between X and the ingestor) to the hour in which
 * its lateness allowance ends. Later arrivals are late data: picked up when the scheduler sees
 * new objects in these prefixes — anything beyond is counted as lost to lateness by design.
 */
export function inputHourPrefixes(w: Window, latenessMinutes: number): string[] {
  const first = Math.floor(w.start.getTime() / HOUR) * HOUR - HOUR;
  const last = Math.floor((w.end.getTime() + latenessMinutes * MINUTE) / HOUR) * HOUR;
  const out: string[] = [];
  for (let t = first; t <= last; t += HOUR) out.push(hourPrefix(new Date(t)));
  return out;
}

/** `YYYY/MM/DD/HH/` of an instant, in UTC. */
export function hourPrefix(t: Date): string {
  const iso = t.toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}/`;
}

/** The distinct `YYYY/MM/DD/HH/` hours of a raw tree's object keys, oldest first (other keys are ignored). */
export function hoursOf(keys: Iterable<string>): string[] {
  const hours = new Set<string>();
  for (const key of keys) {
    const m = /^(\d{4}\/\d{2}\/\d{2}\/\d{2}\/)/.exec(key);
    if (m) hours.add(m[1]!);
  }
  return [...hours].sort();
}

/**
 * `trends run`'s hint when windows read no event: the hours of the tree holding data that no
 * window of the run reads (data ingested by wall clock lands in the hour of ingest, not of its
 * events: `ingest --arrival event-time`), named up to `shown`, then "and N more". Undefined when
 * no window was empty or every hour with data was read.
 */
export function unreadHoursWarning(
  empty: readonly Window[],
  ran: readonly Window[],
  dataHours: readonly string[],
  latenessMinutes: number,
  shown = 3,
): string | undefined {
  if (empty.length === 0) return undefined;
  const read = new Set(ran.flatMap((w) => inputHourPrefixes(w, latenessMinutes)));
  const other = dataHours.filter((h) => !read.has(h)).map((h) => h.slice(0, -1));
  if (other.length === 0) return undefined;
  const named =
    other.slice(0, shown).join(", ") + (other.length > shown ? ` and ${other.length - shown} more` : "");
  return (
    `${empty.length} window(s) read no event, but the input holds data in hours no window reads: ${named} ` +
    "(ingest --arrival event-time files recorded events by their own time)"
  );
}
