import { usageError } from "../errors/index.ts";

/**
 * The one parser of instants and durations that every flag and the dashboard's API use.
 *
 * `new Date(s)` rolls impossible dates over (`2026-02-30` becomes 2026-03-02) and reads a time
 * without a zone as local time; both silently move a window. This parser accepts ISO-8601 only,
 * `YYYY-MM-DD[THH:MM[:SS[.fraction]]][Z|±HH[:]MM]`, refuses any field out of range, and reads a
 * time without a zone as UTC (windows are UTC).
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))?)?$/;

/** Years outside this range are refused: no event of a social network lies there. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

export type InstantResult = { ok: true; date: Date } | { ok: false; reason: "format" | "impossible" };

/** Reads an ISO-8601 instant; `impossible` for a well-formed but non-existent one (Feb 30, 25:00). */
export function readInstant(value: string): InstantResult {
  const m = ISO.exec(value);
  if (!m) return { ok: false, reason: "format" };
  const [y, mo, d, h = 0, mi = 0, s = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) =>
    x === undefined ? undefined : Number(x),
  ) as [number, number, number, number?, number?, number?];
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  const offH = m[10] === undefined ? 0 : Number(m[10]);
  const offM = m[11] === undefined ? 0 : Number(m[11]);
  const daysInMonth = mo >= 1 && mo <= 12 ? new Date(Date.UTC(2000, mo, 0)).getUTCDate() : 0;
  const leapFix = mo === 2 && d === 29 && !isLeap(y) ? 1 : 0;
  if (
    y < MIN_YEAR ||
    y > MAX_YEAR ||
    d < 1 ||
    d > daysInMonth - leapFix ||
    h > 23 ||
    mi > 59 ||
    s > 59 ||
    offH > 23 ||
    offM > 59
  )
    return { ok: false, reason: "impossible" };
  const sign = m[9] === "-" ? -1 : 1;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms) - sign * (offH * 60 + offM) * 60_000;
  return { ok: true, date: new Date(t) };
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Parses an ISO time given on the command line; the error names the flag and the fix. */
export function parseTime(value: string, flag: string): Date {
  const r = readInstant(value);
  if (r.ok) return r.date;
  if (r.reason === "impossible")
    throw usageError(
      `${flag} ${JSON.stringify(value)} is not a real date and time (years ${MIN_YEAR}–${MAX_YEAR})`,
      "check the day of the month and the hour, e.g. 2026-02-28T04:15:00Z",
    );
  throw usageError(
    `${flag} ${JSON.stringify(value)} is not an ISO-8601 time`,
    "write it like 2026-11-26T04:15:00Z",
  );
}

const MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The longest duration a flag takes: ten years, far beyond any range of results. */
export const MAX_DURATION_MS = 3660 * MS.d;

/** Parses `15m`, `1h`, `24h`, `7d` into milliseconds (for `--since`, `--every`); positive only. */
export function parseDuration(value: string, flag: string): number {
  const m = /^(\d{1,12})(s|m|h|d)$/.exec(value.trim());
  const fix = "write it like 15m, 24h or 7d";
  if (!m) throw usageError(`${flag} ${JSON.stringify(value)} is not a duration`, fix);
  const ms = Number(m[1]) * MS[m[2] as keyof typeof MS];
  if (ms <= 0) throw usageError(`${flag} ${JSON.stringify(value)} is not a positive duration`, fix);
  if (ms > MAX_DURATION_MS)
    throw usageError(`${flag} ${JSON.stringify(value)} is longer than ten years`, "use a shorter duration");
  return ms;
}
