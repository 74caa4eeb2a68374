import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const TOKEN_COOKIE = "trends_token";

/**
 * Compares a presented token with the configured one in constant time. Both sides are hashed
 * first so that neither the comparison time nor an early length mismatch tells an attacker how
 * much of the token they got right.
 */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

/** The token a request carries: `Authorization: Bearer T`, else the cookie set from `?token=`. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : undefined;
  }
  return cookies(req.headers.cookie)[TOKEN_COOKIE];
}

export function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    const name = part.slice(0, Math.max(eq, 0)).trim();
    if (name === "") continue;
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed cookie is not ours; ignore it rather than fail the request.
    }
  }
  return out;
}

/**
 * The cookie that lets a browser opened with `?token=T` keep access without the token staying in
 * the address bar: HttpOnly (no script can read it), SameSite=Strict (no cross-site use).
 */
export const tokenCookie = (token: string, secure: boolean): string =>
  `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Whether an address binds only to this machine. */
export const isLoopbackAddress = (host: string): boolean =>
  host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * Without a token the server trusts only this machine. A web page elsewhere could still make a
 * browser here talk to it under another name (DNS rebinding), so the Host header must be a
 * loopback name too.
 */
export function hostHeaderIsLoopback(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.startsWith("[")
    ? hostHeader.slice(0, hostHeader.indexOf("]") + 1)
    : hostHeader.split(":")[0]!;
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}
