import { createReadStream, statSync } from "node:fs";
import { usageError } from "../../../runtime/errors/index.ts";
import type { RawMessage, Source } from "../../types.ts";

export type ReplaySpeed = number | "max";

export interface ReplayOptions {
  /** Recorded payloads: one X API v2 message per line, CRLF (as the stream sends) or LF. */
  file: string;
  /** 1 = recorded pace (by created_at gaps), 10 = ten times faster, "max" = no waiting (default). */
  speed?: ReplaySpeed;
  /** Event time of a line in ms (default X's `data.created_at`); other recorded formats pass theirs. */
  eventTime?: (line: string) => number | undefined;
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

/** Lines of a file, read in chunks (a recording can be larger than memory); CR before LF dropped. */
async function* linesOf(file: string, signal: AbortSignal): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20, signal })) {
    const parts = (rest + (chunk as string)).split("\n");
    rest = parts.pop()!;
    for (const p of parts) yield p;
  }
  if (rest) yield rest;
}

/**
 * Replays a recorded stream. Blank lines (the stream's `\r\n` keep-alives) are skipped, every
 * other line is yielded as it is — malformed ones too, so normalise counts them like live ones.
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
        for await (let line of linesOf(options.file, signal)) {
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
