import { connect } from "node:net";

/** SSLRequest: length 8, then the magic code 80877103 (PostgreSQL protocol, "SSL Session Encryption"). */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/**
 * Asks a PostgreSQL server whether it speaks TLS, as libpq does for `sslmode=prefer`: send an
 * SSLRequest, read the one-byte answer (`S` yes, `N` no) and hang up. Rejects with the socket's
 * error (ECONNREFUSED, …) when the server cannot be reached, so the caller reports that instead.
 */
export function serverOffersTls(host: string, port: number, timeoutMs = 15_000): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const done = (err: Error | undefined, offers = false) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(offers);
    };
    socket.setTimeout(timeoutMs, () =>
      done(
        Object.assign(new Error(`connection timeout: ${host}:${port} did not answer`), { code: "ETIMEDOUT" }),
      ),
    );
    socket.once("error", (e) => done(e));
    socket.once("connect", () => socket.write(SSL_REQUEST));
    socket.once("data", (b: Buffer) => {
      const answer = String.fromCharCode(b[0] ?? 0);
      if (answer === "S" || answer === "N") done(undefined, answer === "S");
      else
        done(
          new Error(
            `${host}:${port} answered the TLS request with ${JSON.stringify(answer)}: not PostgreSQL?`,
          ),
        );
    });
    socket.once("end", () =>
      done(new Error(`connection terminated by ${host}:${port} during the TLS request`)),
    );
  });
}
