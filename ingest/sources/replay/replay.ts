import { createReadStream, statSync } from "node:fs";
import { usageError } from "../../../runtime/errors/index.ts";
import { OVERSIZED_MESSAGE, type RawMessage, type Source } from "../../types.ts";

export type ReplaySpeed = number | "max";

export interface ReplayOptions {
  /** Recorded payloads: one X API v2 message per line, CRLF (as the stream sends) or LF. */
  file: string;
  /** 1 = recorded pace (by created_at gaps), 10 = ten times faster, "max" = no waiting (default). */
  speed?: ReplaySpeed;
  /** Event time of a line in ms (default X's `data.created_at`); other recorded formats pass theirs. */
  eventTime?: (line: string) => number | undefined;
  /** Longest line in bytes (default MAX_LINE_BYTES); longer ones are counted as bad, unread. */
  maxLineBytes?: number;
  /** Injected for tests. */
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const sleepFor = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/** `--speed`: "max" or a positive factor; anything else is a usage error naming the flag. */
export function parseSpeed(value: string | number | undefined): ReplaySpeed {
  if (value === undefined || value === "max") return "max";
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw usageError(
      `--speed ${value} is not "max" or a positive number`,
      "e.g. --speed 1 (recorded pace), 10 or max",
    );
  return n;
}

/** The event time of a message, or undefined (then it is sent without waiting). */
function eventTime(line: string): number | undefined {
  try {
    const t = (JSON.parse(line) as { data?: { created_at?: unknown } }).data?.created_at;
    const ms = typeof t === "string" ? Date.parse(t) : Number.NaN;
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined;
  }
}

/** The longest line replay reads; a longer one is skipped unread and counted (no X message comes near). */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Lines of a file, read in chunks (a recording can be larger than memory). A line longer than
 * `maxBytes` is never held whole: once it passes the cap its bytes are dropped as they arrive and
 * OVERSIZED_MESSAGE stands in for it, so memory stays under `maxBytes` + one chunk.
 */
async function* linesOf(file: string, signal: AbortSignal, maxBytes: number): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  for await (const chunk of createReadStream(file, {
    highWaterMark: 1 << 16,
    signal,
  }) as AsyncIterable<Buffer>) {
    for (let start = 0; ; ) {
      const nl = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, nl < 0 ? chunk.length : nl);
      if (!skipping && size + piece.length > maxBytes) {
        skipping = true;
        parts = [];
        size = 0;
      }
      if (!skipping) {
        parts.push(piece);
        size += piece.length;
      }
      if (nl < 0) break;
      // Splitting bytes at 0x0A is safe in UTF-8: no multi-byte character contains it.
      yield skipping ? OVERSIZED_MESSAGE : Buffer.concat(parts, size).toString("utf8");
      parts = [];
      size = 0;
      skipping = false;
      start = nl + 1;
    }
  }
  if (skipping) yield OVERSIZED_MESSAGE;
  else if (size > 0) yield Buffer.concat(parts, size).toString("utf8");
}

/**
 * Replays a recorded stream. Blank lines (the stream's `\r\n` keep-alives) are skipped, every
 * other line is yielded as it is — malformed ones too, so normalise counts them like live ones; a
 * line over `maxLineBytes` comes as OVERSIZED_MESSAGE, which the pipeline counts as "line too long".
 * At a finite speed, message k waits until (created_at_k − created_at_first) / speed has passed
 * since the first; a message earlier than the one before goes out at once.
 *
 * @example for await (const m of replaySource({ file: "day.ndjson", speed: 60 }).messages(signal)) …
 */
export function replaySource(options: ReplayOptions): Source {
  const speed = options.speed ?? "max";
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  try {
    if (!statSync(options.file).isFile()) throw new Error("not a file");
  } catch {
    throw usageError(
      `--file ${options.file} is not a readable file`,
      "record a stream or run `trends synth --out FILE`",
    );
  }
  return {
    name: "replay",
    async *messages(signal): AsyncGenerator<RawMessage> {
      let first: { event: number; wall: number } | undefined;
      try {
        for await (let line of linesOf(options.file, signal, options.maxLineBytes ?? MAX_LINE_BYTES)) {
          if (signal.aborted) return;
          if (line.endsWith("\r")) line = line.slice(0, -1);
          if (line.trim() === "") continue;
          if (speed !== "max") {
            const t = (options.eventTime ?? eventTime)(line);
            if (t !== undefined) {
              if (!first) first = { event: t, wall: now() };
              const wait = first.wall + (t - first.event) / speed - now();
              if (wait > 0) await sleep(wait, signal);
              if (signal.aborted) return;
            }
          }
          yield line;
        }
      } catch (e) {
        // Aborting the read stream rejects with AbortError: that is a normal stop.
        if (signal.aborted) return;
        throw e;
      }
    },
  };
}
