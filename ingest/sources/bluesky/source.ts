import { setTimeout as sleep } from "node:timers/promises";
import { redactUrl } from "../../../runtime/config/index.ts";
import { log } from "../../../runtime/log/index.ts";
import { backoffMs } from "../../sinks/retry.ts";
import type { RawMessage, Source } from "../../types.ts";
import {
  type ConnectionState,
  connection,
  DEFAULT_MAX_QUEUE_BYTES,
  FRAME_LIMITS,
  newConnectionState,
  timeUsOf,
} from "./connection.ts";
import { CursorFile } from "./cursor.ts";
import { COLLECTIONS } from "./frames.ts";
import { type HandlesOptions, ProfileCache, type ProfileStats } from "./handles.ts";
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
  /** On a reconnect to the same instance the cursor goes back this far (default 5 s); duplicates are skipped or deduplicated. */
  rewindMs?: number;
  /**
   * On a switch to another instance (or a resume from a saved cursor, whose instance is not
   * known) the cursor goes back this far instead (default 60 s): each instance stamps `time_us`
   * with its own clock, and a few seconds (Jetstream's own advice) do not cover a skewed one.
   */
  failoverRewindMs?: number;
  /** No frame for this long means the connection is dead (default 30 s). */
  silenceMs?: number;
  /** Reconnect backoff: full jitter from `baseMs` doubling up to `maxMs` (defaults 1 s, 60 s). */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Bytes of frames buffered before the socket is paused (backpressure, default 64 MiB). */
  maxQueueBytes?: number;
  profiles?: HandlesOptions;
  mapper?: Pick<MapperOptions, "likeCopyMs" | "maxTracked" | "trackMs" | "now">;
}

export { timeUsOf };

/** What the source counts for the ingest summary (`IngestSummary.sourceStats`). */
export interface BlueskyStats {
  /** Frames over `FRAME_LIMITS.skipAboveBytes` an instance sent anyway, read and dropped. */
  framesTooLarge: number;
  /** Connections closed on a frame over `FRAME_LIMITS.readBytes` (the next instance is tried). */
  closedOnHugeFrame: number;
  /** Switches to another Jetstream instance (each rewinds by `failoverRewindMs`). */
  instanceSwitches: number;
}

export function subscribeUrl(endpoint: string, cursorUs: number | undefined): string {
  const u = new URL(endpoint);
  for (const c of Object.values(COLLECTIONS)) u.searchParams.append("wantedCollections", c);
  // Jetstream drops larger events itself (see connection.ts).
  u.searchParams.set("maxMessageSizeBytes", String(FRAME_LIMITS.skipAboveBytes));
  if (cursorUs !== undefined) u.searchParams.set("cursor", String(cursorUs));
  return u.toString();
}

/**
 * `trends ingest --source bluesky`: Jetstream's posts, reposts and likes, filtered by the local
 * topic rules and mapped to v1 records (see README.md here). Reconnects forever with backoff and
 * jitter; the cursor file moves only when the pipeline reports the sink has taken the events.
 */
export function blueskySource(
  o: BlueskyOptions,
): Source & { readonly profiles: ProfileCache; stats(): BlueskyStats & ProfileStats } {
  const endpoints = o.endpoints && o.endpoints.length > 0 ? o.endpoints : JETSTREAM_ENDPOINTS;
  const cursorFile = o.cursorFile ? new CursorFile(o.cursorFile) : undefined;
  const rewindUs = (o.rewindMs ?? 5_000) * 1000;
  const failoverRewindUs = (o.failoverRewindMs ?? 60_000) * 1000;
  const silenceMs = o.silenceMs ?? 30_000;
  const profiles = new ProfileCache(o.profiles);
  const stats: BlueskyStats = { framesTooLarge: 0, closedOnHugeFrame: 0, instanceSwitches: 0 };
  // Yielded frames not yet committed: sequence number → time_us (both ascending).
  const pendingSeq: number[] = [];
  const pendingUs: number[] = [];
  let yielded = 0;
  let lastUs: number | undefined;
  let mapper: BlueskyMapper | undefined;
  // The instance whose clock `lastUs` is on (undefined: a saved cursor's, not known).
  let clockOf: string | undefined;
  const onSkip = (bytes: number, timeUs: number | undefined) => {
    stats.framesTooLarge++;
    log().warn(
      { bytes, timeUs, limit: FRAME_LIMITS.skipAboveBytes, skipped: stats.framesTooLarge },
      "bluesky: skipped a Jetstream frame over the size limit",
    );
  };

  /** Where the next connection starts: a switch of clocks rewinds further (see failoverRewindMs). */
  const cursorFor = (endpoint: string, from: number | undefined): number | undefined => {
    if (from === undefined) return undefined;
    const sameClock = clockOf === endpoint;
    if (!sameClock) {
      if (clockOf !== undefined) stats.instanceSwitches++;
      log().info(
        {
          from: clockOf === undefined ? "saved cursor" : redactUrl(clockOf),
          to: redactUrl(endpoint),
          rewindMs: failoverRewindUs / 1000,
        },
        "bluesky: switching Jetstream instance; rewinding to cover clock skew (repeats are deduplicated)",
      );
    }
    return Math.max(0, from - (sameClock ? rewindUs : failoverRewindUs));
  };

  return {
    name: "bluesky",
    profiles,
    stats: () => ({ ...stats, ...profiles.summary() }),
    normaliser() {
      const m = new BlueskyMapper({ ...o.mapper, rules: o.rules, handles: profiles });
      mapper = m;
      return (raw) => m.map(raw);
    },
    heldBack: () => mapper?.flush() ?? [],
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
      const options = {
        silenceMs,
        maxQueueBytes: o.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES,
        signal,
        onSkip,
      };
      let failures = 0;
      let at = 0;
      while (!signal.aborted) {
        const endpoint = endpoints[at % endpoints.length]!;
        const cursor = cursorFor(endpoint, lastUs ?? saved);
        const state: ConnectionState = newConnectionState();
        let frames = 0;
        for await (const raw of connection(subscribeUrl(endpoint, cursor), options, state)) {
          frames++;
          clockOf = endpoint;
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
        // A frame too large to read would meet this instance again at the same cursor: count it,
        // say so, keep the backoff growing and try the next instance (it may honour the size limit).
        const stuck = state.tooLarge;
        if (stuck) {
          stats.closedOnHugeFrame++;
          log().error(
            {
              endpoint: redactUrl(endpoint),
              cursor,
              limit: FRAME_LIMITS.readBytes,
              times: stats.closedOnHugeFrame,
            },
            "bluesky: a Jetstream frame too large to read closed the connection; trying the next instance",
          );
        }
        failures = frames > 0 && !stuck ? 0 : failures + 1;
        // An instance that gave nothing (or cannot get past a frame): try the next one.
        if (frames === 0 || stuck) at++;
        const delay = backoffMs(failures, o.backoff?.baseMs ?? 1_000, o.backoff?.maxMs ?? 60_000);
        log().warn(
          { endpoint: redactUrl(endpoint), reason: state.reason, frames, retryInMs: delay },
          "bluesky: Jetstream connection ended, reconnecting",
        );
        await sleep(delay, undefined, { signal }).catch(() => {});
      }
    },
  };
}
