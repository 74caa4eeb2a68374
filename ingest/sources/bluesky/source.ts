import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { log } from "../../../runtime/log/index.ts";
import { backoffMs } from "../../sinks/retry.ts";
import type { RawMessage, Source } from "../../types.ts";
import { CursorFile } from "./cursor.ts";
import { COLLECTIONS } from "./frames.ts";
import { type HandlesOptions, ProfileCache } from "./handles.ts";
import { BlueskyMapper, type MapperOptions } from "./mapper.ts";
import type { CompiledRule } from "./rules.ts";

/** Bluesky's public Jetstream instances (any of them serves the whole network; cursors are times). */
export const JETSTREAM_ENDPOINTS = [
  "wss://jetstream1.us-east.bsky.network/subscribe",
  "wss://jetstream2.us-east.bsky.network/subscribe",
  "wss://jetstream1.us-west.bsky.network/subscribe",
  "wss://jetstream2.us-west.bsky.network/subscribe",
] as const;

export interface BlueskyOptions {
  rules: readonly CompiledRule[];
  /** Tried in turn after failures (default the public instances). */
  endpoints?: readonly string[];
  /** Where the cursor is kept; without one the stream starts live and restarts live. */
  cursorFile?: string;
  /** On every (re)connect the cursor goes back this far (default 5 s); duplicates are skipped or deduplicated. */
  rewindMs?: number;
  /** No frame for this long means the connection is dead (default 30 s). */
  silenceMs?: number;
  /** Reconnect backoff: full jitter from `baseMs` doubling up to `maxMs` (defaults 1 s, 60 s). */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Frames buffered before the socket is paused (backpressure, default 5,000). */
  maxQueue?: number;
  profiles?: HandlesOptions;
  mapper?: Pick<MapperOptions, "likeCopyMs" | "maxTracked" | "trackMs" | "now">;
}

/** `time_us` of a frame without parsing it (the mapper parses it once, later). */
export function timeUsOf(raw: string): number | undefined {
  const i = raw.indexOf('"time_us":');
  if (i < 0) return undefined;
  let n = 0;
  let j = i + 10;
  while (raw.charCodeAt(j) === 32) j++;
  const start = j;
  for (let ch = raw.charCodeAt(j); ch >= 48 && ch <= 57; ch = raw.charCodeAt(++j)) n = n * 10 + (ch - 48);
  return j > start && Number.isSafeInteger(n) ? n : undefined;
}

export function subscribeUrl(endpoint: string, cursorUs: number | undefined): string {
  const u = new URL(endpoint);
  for (const c of Object.values(COLLECTIONS)) u.searchParams.append("wantedCollections", c);
  if (cursorUs !== undefined) u.searchParams.set("cursor", String(cursorUs));
  return u.toString();
}

/**
 * One WebSocket connection as an async iterable of text frames. Ends (returns) when the socket
 * closes, errs, stays silent for `silenceMs`, or `signal` aborts; `reason` says which.
 */
async function* connection(
  url: string,
  silenceMs: number,
  maxQueue: number,
  signal: AbortSignal,
  state: { reason: string; opened: boolean },
): AsyncGenerator<string> {
  const ws = new WebSocket(url, { handshakeTimeout: silenceMs, maxPayload: 4 * 1024 * 1024 });
  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    state.reason = reason;
    clearTimeout(timer);
    ws.terminate();
    notify();
  };
  const timer = setTimeout(() => end(`no frame for ${silenceMs} ms`), silenceMs);
  const onAbort = () => end("stopped");
  signal.addEventListener("abort", onAbort, { once: true });
  ws.on("open", () => {
    state.opened = true;
  });
  ws.on("message", (data, isBinary) => {
    timer.refresh();
    // Binary frames are zstd-compressed ones, which this client never asks for.
    if (isBinary) return;
    queue.push(Array.isArray(data) ? Buffer.concat(data).toString("utf8") : data.toString("utf8"));
    if (queue.length >= maxQueue) ws.pause();
    notify();
  });
  ws.on("error", (e) => end(`error: ${e.message}`));
  ws.on("close", (code) => end(`closed (${code})`));
  try {
    for (;;) {
      const next = queue.shift();
      if (next !== undefined) {
        if (queue.length < maxQueue / 2 && ws.isPaused) ws.resume();
        yield next;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    end(state.reason || "consumer stopped");
  }
}

/**
 * `trends ingest --source bluesky`: Jetstream's posts, reposts and likes, filtered by the local
 * topic rules and mapped to v1 records (see README.md here). Reconnects forever with backoff and
 * jitter; the cursor file moves only when the pipeline reports the sink has taken the events.
 */
export function blueskySource(o: BlueskyOptions): Source & { readonly profiles: ProfileCache } {
  const endpoints = o.endpoints && o.endpoints.length > 0 ? o.endpoints : JETSTREAM_ENDPOINTS;
  const cursorFile = o.cursorFile ? new CursorFile(o.cursorFile) : undefined;
  const rewindUs = (o.rewindMs ?? 5_000) * 1000;
  const silenceMs = o.silenceMs ?? 30_000;
  const profiles = new ProfileCache(o.profiles);
  // Yielded frames not yet committed: sequence number → time_us (both ascending).
  const pendingSeq: number[] = [];
  const pendingUs: number[] = [];
  let yielded = 0;
  let lastUs: number | undefined;
  let mapper: BlueskyMapper | undefined;

  return {
    name: "bluesky",
    profiles,
    normaliser() {
      const m = new BlueskyMapper({ ...o.mapper, rules: o.rules, handles: profiles });
      mapper = m;
      return (raw) => m.map(raw);
    },
    heldBack: () => mapper?.flush() ?? [],
    stats: () => profiles.summary(),
    enrich: (records, signal) => profiles.enrich(records, signal),
    async committed(messages) {
      let i = 0;
      let us: number | undefined;
      // The largest time_us up to there: a rewind may have yielded earlier times after later ones.
      while (i < pendingSeq.length && pendingSeq[i]! <= messages) us = Math.max(us ?? 0, pendingUs[i++]!);
      pendingSeq.splice(0, i);
      pendingUs.splice(0, i);
      if (us !== undefined && cursorFile) cursorFile.write(us);
    },
    async *messages(signal): AsyncGenerator<RawMessage> {
      const saved = cursorFile?.read();
      if (saved !== undefined) log().info({ cursor: saved }, "bluesky: resuming from the saved cursor");
      let failures = 0;
      let at = 0;
      while (!signal.aborted) {
        const from = lastUs ?? saved;
        const endpoint = endpoints[at % endpoints.length]!;
        const url = subscribeUrl(endpoint, from === undefined ? undefined : Math.max(0, from - rewindUs));
        const state = { reason: "", opened: false };
        let frames = 0;
        for await (const raw of connection(url, silenceMs, o.maxQueue ?? 5_000, signal, state)) {
          frames++;
          // Frames the rewind delivers again are yielded too: the mapper skips what it has seen by
          // URI, and time_us is each instance's own clock, so skipping by time could lose events.
          const us = timeUsOf(raw);
          if (us !== undefined) lastUs = Math.max(lastUs ?? 0, us);
          yield raw;
          yielded++;
          if (us !== undefined) {
            pendingSeq.push(yielded);
            pendingUs.push(us);
          }
        }
        if (signal.aborted) return;
        failures = frames > 0 ? 0 : failures + 1;
        // An instance that gave nothing: try the next one.
        if (frames === 0) at++;
        const delay = backoffMs(failures, o.backoff?.baseMs ?? 1_000, o.backoff?.maxMs ?? 60_000);
        log().warn(
          { endpoint, reason: state.reason, frames, retryInMs: delay },
          "bluesky: Jetstream connection ended, reconnecting",
        );
        await sleep(delay, undefined, { signal }).catch(() => {});
      }
    },
  };
}
