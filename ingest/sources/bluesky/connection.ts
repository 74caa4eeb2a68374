import WebSocket from "ws";

/**
 * Frame size bounds. Jetstream drops events larger than the `maxMessageSizeBytes` a subscriber
 * asks for (https://github.com/bluesky-social/jetstream#consuming-jetstream), so an oversized
 * event is skipped where it is, and the cursor never has to step over it (which it could not:
 * the frame's `time_us` is unknown until the frame is read). An instance or proxy that ignores
 * the parameter still cannot trap the stream: frames up to `readBytes` are read and dropped here.
 */
export const FRAME_LIMITS = {
  /** Asked of Jetstream and enforced here: larger frames are skipped and counted. */
  skipAboveBytes: 4 * 1024 * 1024,
  /**
   * The `ws` maxPayload. The sync spec caps a record block at 1,000,000 bytes of CBOR; its JSON
   * is at most ~6 MB (a control character becomes `\u00XX`), so any valid frame fits in 16 MiB.
   */
  readBytes: 16 * 1024 * 1024,
} as const;

/** Frames buffered (in bytes) before the socket is paused; resumed below half of it. */
export const DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024;

export interface ConnectionOptions {
  /** No frame for this long ends the connection. */
  silenceMs: number;
  maxQueueBytes: number;
  signal: AbortSignal;
  /** A frame over `FRAME_LIMITS.skipAboveBytes` was read and dropped (its time_us when found). */
  onSkip?: (bytes: number, timeUs: number | undefined) => void;
}

/** What one connection did; read by the reconnect loop and by tests. */
export interface ConnectionState {
  reason: string;
  opened: boolean;
  /** The connection ended on a frame over `FRAME_LIMITS.readBytes` (close 1009). */
  tooLarge: boolean;
  queuedBytes: number;
  peakQueuedBytes: number;
  paused: boolean;
}

export const newConnectionState = (): ConnectionState => ({
  reason: "",
  opened: false,
  tooLarge: false,
  queuedBytes: 0,
  peakQueuedBytes: 0,
  paused: false,
});

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

/**
 * One WebSocket connection as an async iterable of text frames. Ends (returns) when the socket
 * closes, errs, stays silent for `silenceMs`, or `signal` aborts; `state.reason` says which.
 * The queue is bounded in bytes, not frames: a few large frames must not exhaust the heap.
 */
export async function* connection(
  url: string,
  o: ConnectionOptions,
  state: ConnectionState,
): AsyncGenerator<string> {
  const ws = new WebSocket(url, { handshakeTimeout: o.silenceMs, maxPayload: FRAME_LIMITS.readBytes });
  const queue: string[] = [];
  const sizes: number[] = [];
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
  const timer = setTimeout(() => end(`no frame for ${o.silenceMs} ms`), o.silenceMs);
  const onAbort = () => end("stopped");
  o.signal.addEventListener("abort", onAbort, { once: true });
  ws.on("open", () => {
    state.opened = true;
  });
  ws.on("message", (data, isBinary) => {
    timer.refresh();
    // Binary frames are zstd-compressed ones, which this client never asks for.
    if (isBinary) return;
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (buf.length > FRAME_LIMITS.skipAboveBytes) {
      // time_us leads Jetstream's JSON: the head is enough to say where the frame was.
      o.onSkip?.(buf.length, timeUsOf(buf.subarray(0, 256).toString("latin1")));
      return;
    }
    queue.push(buf.toString("utf8"));
    sizes.push(buf.length);
    state.queuedBytes += buf.length;
    state.peakQueuedBytes = Math.max(state.peakQueuedBytes, state.queuedBytes);
    if (state.queuedBytes >= o.maxQueueBytes && !state.paused) {
      ws.pause();
      state.paused = true;
    }
    notify();
  });
  ws.on("error", (e) => {
    if ((e as { code?: string }).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") state.tooLarge = true;
    end(`error: ${e.message}`);
  });
  ws.on("close", (code) => end(`closed (${code})`));
  try {
    for (;;) {
      const next = queue.shift();
      if (next !== undefined) {
        state.queuedBytes -= sizes.shift() ?? 0;
        if (state.paused && state.queuedBytes < o.maxQueueBytes / 2) {
          ws.resume();
          state.paused = false;
        }
        yield next;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    o.signal.removeEventListener("abort", onAbort);
    end(state.reason || "consumer stopped");
  }
}
