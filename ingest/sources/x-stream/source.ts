import { ETwitterStreamEvent, type TweetSearchV2StreamParams } from "twitter-api-v2";
import { log } from "../../../runtime/log/index.ts";
import type { RawMessage, Source } from "../../types.ts";
import { reconnectDelayMs, X_BACKOFF, type XBackoff } from "./backoff.ts";
import { createXClient, httpStatusOf, type XClientOptions, xApiError } from "./client.ts";

/** The fields and expansions every v1 record needs (issue 5; docs/contracts.md, the event record). */
export const X_STREAM_QUERY: Partial<TweetSearchV2StreamParams> = {
  "tweet.fields": [
    "created_at",
    "public_metrics",
    "referenced_tweets",
    "lang",
    "conversation_id",
    "note_tweet",
  ],
  expansions: ["author_id", "referenced_tweets.id", "referenced_tweets.id.author_id"],
  "user.fields": ["public_metrics"],
};

export interface XStreamOptions extends XClientOptions {
  backoff?: Partial<XBackoff>;
  /** Reconnect when nothing, not even the `\r\n` heartbeat (every ~20 s), arrived for this long. */
  keepAliveMs?: number;
  /** Log a warning when this many messages wait for the pipeline. */
  warnQueue?: number;
}

/**
 * The X API v2 filtered stream through twitter-api-v2, reconnecting forever on X's schedule
 * ({@link reconnectDelayMs}). A message the library cannot parse is handed on as a line that is
 * not JSON, so the pipeline counts and logs it like any malformed message.
 *
 * Memory: messages queue here until the pipeline takes them. The socket is deliberately not
 * paused when the queue grows — a paused stream stops heartbeats, trips the stall detection and
 * reconnects, dropping what was in flight; X itself disconnects consumers that fall behind. The
 * pipeline keeps up instead, because the Firehose sink spools to disk rather than blocking.
 */
export function xStreamSource(o: XStreamOptions): Source {
  const backoff = { ...X_BACKOFF, ...o.backoff };
  const keepAliveMs = o.keepAliveMs ?? 20_000;
  const warnQueue = o.warnQueue ?? 50_000;
  return {
    name: "x",
    async *messages(signal: AbortSignal): AsyncGenerator<RawMessage> {
      const client = createXClient(o);
      const stream = client.v2.searchStream({ ...X_STREAM_QUERY, autoConnect: false });
      let queue: RawMessage[] = [];
      let head = 0;
      let fatal: unknown;
      let wake: (() => void) | undefined;
      let warned = false;
      const poke = () => {
        const w = wake;
        wake = undefined;
        w?.();
      };
      const push = (m: RawMessage) => {
        queue.push(m);
        if (!warned && queue.length - head > warnQueue) {
          warned = true;
          log().warn({ queued: queue.length - head }, "x stream: the pipeline is falling behind the stream");
        }
        poke();
      };
      stream.on(ETwitterStreamEvent.Data, (payload) => push(JSON.stringify(payload)));
      stream.on(ETwitterStreamEvent.TweetParseError, (e: unknown) =>
        push(`<unparsable stream message: ${(e as Error)?.message ?? String(e)}>`),
      );
      stream.on(ETwitterStreamEvent.DataError, (payload: unknown) =>
        log().warn({ payload }, "x stream: X sent an error message (e.g. an operational disconnect)"),
      );
      stream.on(ETwitterStreamEvent.ConnectionLost, () =>
        log().warn({ keepAliveMs }, "x stream: no data or heartbeat: reconnecting"),
      );
      stream.on(ETwitterStreamEvent.ConnectionError, (e: unknown) =>
        log().info({ error: (e as Error)?.message }, "x stream: connection dropped: reconnecting"),
      );
      stream.on(ETwitterStreamEvent.Reconnected, () => log().info("x stream: reconnected"));
      stream.on(ETwitterStreamEvent.Error, ({ type, error }: { type: string; error: unknown }) => {
        if (type !== ETwitterStreamEvent.ConnectError && type !== ETwitterStreamEvent.ReconnectError) return;
        const status = httpStatusOf(error);
        log().warn(
          { status, error: (error as Error)?.message },
          "x stream: connect failed; retrying on X's schedule",
        );
        // Waiting cannot fix a rejected token or a missing entitlement: stop with the fix.
        if (status === 401 || status === 403) {
          fatal = xApiError(error, "connecting to the filtered stream");
          stream.close();
          poke();
        }
      });
      const onAbort = () => {
        stream.close();
        poke();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        if (signal.aborted) return;
        await stream.connect({
          autoReconnect: true,
          autoReconnectRetries: Number.POSITIVE_INFINITY,
          keepAliveTimeout: keepAliveMs,
          nextRetryTimeout: (attempt: number, error: unknown) => reconnectDelayMs(attempt, error, backoff),
        });
        for (;;) {
          if (head < queue.length) {
            const m = queue[head++]!;
            if (head > 1024 && head * 2 > queue.length) {
              queue = queue.slice(head);
              head = 0;
            }
            yield m;
            continue;
          }
          if (fatal !== undefined) throw fatal;
          if (signal.aborted) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        signal.removeEventListener("abort", onAbort);
        stream.destroy();
      }
    },
  };
}
