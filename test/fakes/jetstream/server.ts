import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer } from "ws";

/** What one connection does after the frames from the cursor on are sent (or some of them). */
export type Ending =
  /** Keep the socket open and send nothing: the client must notice the silence. */
  | { stallAfter: number }
  /** Destroy the TCP connection after this many frames, without a close frame. */
  | { dropAfter: number }
  /** After this many frames, write the first half of the next WebSocket frame's bytes, then destroy. */
  | { cutAfter: number }
  /** Send everything, then idle (a live stream with nothing new). */
  | { idle: true };

export interface FakeJetstream {
  /** ws://127.0.0.1:PORT/subscribe */
  readonly url: string;
  /** How the next connections end, in order; later ones idle. */
  script(endings: readonly Ending[]): void;
  /** Every connection's query: wantedCollections, maxMessageSizeBytes and cursor. */
  readonly connections: {
    wantedCollections: string[];
    maxMessageSizeBytes: string | null;
    cursor: number | undefined;
  }[];
  /** Called on every new connection (after it is recorded in `connections`). */
  onConnection(listener: () => void): void;
  close(): Promise<void>;
}

/** The `time_us` of a frame (every frame of this fake is a JSON object with one). */
const timeOf = (frame: string): number => {
  try {
    return Number((JSON.parse(frame) as { time_us?: number }).time_us ?? 0);
  } catch {
    return 0;
  }
};

/**
 * A Jetstream stand-in: a `ws` server that plays a fixed list of frames (JSON texts, malformed
 * ones included) from the `cursor` the client asks for (frames with time_us ≥ cursor; frames
 * without one follow their predecessor), like Jetstream's time-based replay. It ignores
 * `maxMessageSizeBytes`, like an instance older than that parameter: the client must cope.
 */
export async function startFakeJetstream(frames: readonly string[]): Promise<FakeJetstream> {
  const http: Server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server: http, path: "/subscribe" });
  const endings: Ending[] = [];
  const connections: FakeJetstream["connections"] = [];
  const sockets = new Set<Socket>();
  const listeners: (() => void)[] = [];
  http.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  // A malformed frame has no time: it belongs after the frame before it.
  const times: number[] = [];
  for (const f of frames) times.push(timeOf(f) || (times.at(-1) ?? 0));

  wss.on("connection", (ws, req) => {
    const q = new URL(req.url ?? "/", "http://x").searchParams;
    const cursor = q.has("cursor") ? Number(q.get("cursor")) : undefined;
    connections.push({
      wantedCollections: q.getAll("wantedCollections"),
      maxMessageSizeBytes: q.get("maxMessageSizeBytes"),
      cursor,
    });
    for (const l of listeners) l();
    const ending = endings.shift() ?? { idle: true };
    const from = cursor === undefined ? 0 : times.findIndex((t) => t >= cursor);
    const todo = from < 0 ? [] : frames.slice(from);
    const limit =
      "stallAfter" in ending
        ? ending.stallAfter
        : "dropAfter" in ending
          ? ending.dropAfter
          : "cutAfter" in ending
            ? ending.cutAfter
            : todo.length;
    const socket = (ws as unknown as { _socket: Socket })._socket;
    let i = 0;
    const next = () => {
      if (ws.readyState !== ws.OPEN) return;
      if (i < Math.min(limit, todo.length)) {
        ws.send(todo[i++]!, () => setImmediate(next));
        return;
      }
      if ("dropAfter" in ending) socket.destroy();
      else if ("cutAfter" in ending) {
        // A text frame header (FIN, opcode 1) claiming 200 bytes, then only 20 of them.
        socket.write(
          Buffer.concat([Buffer.from([0x81, 126, 0, 200]), Buffer.from('{"did":"did:plc:cut"')]),
          () => socket.destroy(),
        );
      }
      // stallAfter and idle: send nothing more.
    };
    next();
  });

  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/subscribe`,
    script: (e) => {
      endings.push(...e);
    },
    connections,
    onConnection: (l) => {
      listeners.push(l);
    },
    close: async () => {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => wss.close(() => http.close(() => resolve())));
    },
  };
}
