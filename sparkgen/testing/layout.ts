import { EVENT_COLUMNS, type EventV1 } from "../schema/index.ts";
import { type CaseEvent, DEFAULT_CASE_START, type SpecCase } from "../spec/index.ts";

/**
 * Where each case runs: all cases of a test run share one range step, so each gets a block of
 * consecutive windows of its own, `gap` empty windows apart (more than any metric's history
 * reaches, so no case sees another's rows), its events shifted from the case's own time into its
 * block. Pure: spec cases in, event records and placements out.
 */

/** The first window of the first block: any aligned instant; far from every case's own times. */
export const LAYOUT_ORIGIN = Date.parse("2030-01-01T00:00:00.000Z");

export interface Placement {
  readonly spec: string;
  readonly case: SpecCase;
  /** Index of the case's first window in the range. */
  readonly firstWindow: number;
  readonly windows: number;
  /** Added to the case's own times to place them in its block (ms). */
  readonly shiftMs: number;
}

export interface Layout {
  readonly start: Date;
  readonly windowMs: number;
  /** Windows of the range step, gaps included. */
  readonly windows: number;
  readonly events: readonly EventV1[];
  readonly placements: readonly Placement[];
}

const AT = /^(\d{1,3}):(\d{2})(?:\.(\d{3}))?$/;

/** `"mm:ss"` / `"mm:ss.SSS"` → ms, or a problem naming the value. */
export function parseAt(at: string, windowMs: number): number {
  const m = AT.exec(at);
  const ms = m ? (Number(m[1]) * 60 + Number(m[2])) * 1000 + Number(m[3] ?? 0) : Number.NaN;
  if (!m || Number(m[2]) > 59 || ms >= windowMs)
    throw new Error(
      `at ${JSON.stringify(at)} is not "mm:ss" or "mm:ss.SSS" within a ${windowMs / 60_000}-minute window`,
    );
  return ms;
}

/** A v1 record with neutral defaults, in EVENT_V1's field order (so files read like ingest's). */
function record(e: CaseEvent, id: string, createdMs: number): EventV1 {
  const { window: _w, at: _a, ...fields } = e;
  const created = new Date(createdMs).toISOString();
  const base: EventV1 = {
    v: 1,
    id,
    created_at: created,
    ingested_at: new Date(createdMs + 1000).toISOString(),
    author_id: "u1",
    author_username: fields.author_id ?? "u1",
    author_followers: 0,
    text: "",
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
    sentiment_score: null,
    sentiment_magnitude: null,
    sentiment_source:
      fields.sentiment_score === undefined || fields.sentiment_score === null ? null : "vader",
  };
  const merged = { ...base, ...fields, id, created_at: created } as EventV1;
  return Object.fromEntries(
    EVENT_COLUMNS.filter((c) => c in merged).map((c) => [c, merged[c]]),
  ) as unknown as EventV1;
}

const shifted = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

/** One case's events in its own time: created_at (ms) and the window index of each. */
function ownTimes(c: SpecCase, windowMs: number): number[] {
  const start = Date.parse(c.start ?? DEFAULT_CASE_START);
  let previous = start - 1000;
  return c.given.map((e) => {
    const t =
      e.at !== undefined
        ? start + (e.window ?? 0) * windowMs + parseAt(e.at, windowMs)
        : e.created_at !== undefined
          ? Date.parse(e.created_at)
          : (e.window ?? 0) > 0
            ? start + (e.window ?? 0) * windowMs
            : previous + 1000;
    previous = t;
    return t;
  });
}

/**
 * Places every case. Cases of specs in `historic` (metrics that read other windows' rows, or
 * rewrite later ones: the alerts) get `gap` empty windows on both sides, so no case sees
 * another's rows; the others need none, since their rows depend on their own window's events
 * only. Cases with the same events (a shared fixture) share one block.
 */
export function layOut(
  specs: readonly { spec: string; cases: readonly SpecCase[] }[],
  windowMs: number,
  gap: number,
  historic: ReadonlySet<string> = new Set(),
): Layout {
  const events: EventV1[] = [];
  const placements: Placement[] = [];
  const blocks = new Map<string, { firstWindow: number; shiftMs: number }>();
  const ordered = [...specs].sort((a, b) => Number(historic.has(a.spec)) - Number(historic.has(b.spec)));
  let next = 0;
  let previousHistoric = false;
  for (const { spec, cases } of ordered)
    for (const c of cases) {
      const start = Date.parse(c.start ?? DEFAULT_CASE_START);
      if (Number.isNaN(start) || start % windowMs !== 0)
        throw new Error(`${spec} › ${c.name}: start ${c.start} is not a window start`);
      const times = ownTimes(c, windowMs);
      const last = Math.max(0, ...times.map((t) => Math.floor((t - start) / windowMs)));
      const windows = c.windows ?? last + 1;
      // An event may lie past the case's windows (to show it is left out), never past its gap.
      if (last >= windows + gap)
        throw new Error(
          `${spec} › ${c.name}: an event lies ${last - windows + 1} windows past the case's windows`,
        );
      const isHistoric = historic.has(spec);
      const content = JSON.stringify([c.start, c.given]);
      const shared = isHistoric ? undefined : blocks.get(content);
      if (shared) {
        placements.push({ spec, case: c, windows, ...shared });
        continue;
      }
      if (isHistoric || previousHistoric) next += placements.length > 0 ? gap : 0;
      const block = { firstWindow: next, shiftMs: LAYOUT_ORIGIN + next * windowMs - start };
      blocks.set(content, block);
      const k = blocks.size;
      c.given.forEach((e, i) => {
        // Ids are per block: the same id in two cases is two events.
        const id = `c${k}:${e.id ?? `e${i + 1}`}`;
        const r = record(
          { ...e, ref_id: e.ref_id ? `c${k}:${e.ref_id}` : (e.ref_id ?? null) },
          id,
          times[i]! + block.shiftMs,
        );
        if (e.ingested_at !== undefined) r.ingested_at = shifted(e.ingested_at, block.shiftMs);
        events.push(r);
      });
      placements.push({ spec, case: c, windows, ...block });
      next += last + 1;
      previousHistoric = isHistoric;
    }
  return { start: new Date(LAYOUT_ORIGIN), windowMs, windows: Math.max(1, next), events, placements };
}
