/**
 * Errors that mean "the database cannot answer right now" rather than "the code is wrong":
 * the API answers them with 503 so the page shows "database unreachable" and retries on refresh.
 */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

export type Unavailable = { reason: "unreachable" | "not migrated" | "timeout" };

export function unavailableReason(e: unknown): Unavailable | undefined {
  for (let err: unknown = e, depth = 0; err instanceof Error && depth < 5; depth++) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string") {
      if (NETWORK_CODES.has(code)) return { reason: "unreachable" };
      // SQLSTATE classes: 08 connection exception, 57P0x shutdown/cannot connect now,
      // 53300 too many connections, 28xxx authentication failed, 3D000 database does not exist.
      if (/^(08|57P0|28)/.test(code) || code === "53300" || code === "3D000")
        return { reason: "unreachable" };
      // 57014 query_canceled: the statement timeout (or an operator's pg_cancel_backend) stopped
      // the query; the code is fine, the range too wide for the server's patience.
      if (code === "57014") return { reason: "timeout" };
      // 42P01 undefined table: the results database exists but was never migrated.
      if (code === "42P01") return { reason: "not migrated" };
    }
    if (
      /connection terminated|timeout exceeded when trying to connect|connection timeout/i.test(err.message)
    ) {
      return { reason: "unreachable" };
    }
    err = (err as { cause?: unknown }).cause;
  }
  return undefined;
}
