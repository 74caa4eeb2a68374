import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { serverOffersTls } from "./tls-probe.ts";

let server: Server | undefined;
afterEach(() => server?.close());

/** A fake server that records the first 8 bytes and answers with `reply`. */
async function fake(reply: string): Promise<{ port: number; got: Promise<Buffer> }> {
  let received: (b: Buffer) => void = () => {};
  const got = new Promise<Buffer>((r) => {
    received = r;
  });
  server = createServer((s) =>
    s.once("data", (b: Buffer) => {
      received(b);
      s.end(reply);
    }),
  );
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { port: (server.address() as { port: number }).port, got };
}

describe("serverOffersTls (sslmode=prefer)", () => {
  it("sends PostgreSQL's SSLRequest and reads S as yes, N as no", async () => {
    const yes = await fake("S");
    expect(await serverOffersTls("127.0.0.1", yes.port)).toBe(true);
    expect([...(await yes.got)]).toEqual([0, 0, 0, 8, 4, 210, 22, 47]);
    server!.close();
    const no = await fake("N");
    expect(await serverOffersTls("127.0.0.1", no.port)).toBe(false);
  });

  it("rejects with the socket error when nothing listens, and on a non-PostgreSQL answer", async () => {
    const other = await fake("H");
    await expect(serverOffersTls("127.0.0.1", other.port)).rejects.toThrow(/not PostgreSQL/);
    server!.close();
    await new Promise((r) => setTimeout(r, 10));
    await expect(serverOffersTls("127.0.0.1", other.port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
