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

/** Shortest accepted token, and the least estimated entropy (bits). `openssl rand -hex 24` gives ~180. */
export const MIN_TOKEN_LENGTH = 16;
export const MIN_TOKEN_BITS = 48;

/**
 * Why a dashboard token is too weak, or undefined when it is acceptable. The rule: at least
 * {@link MIN_TOKEN_LENGTH} printable ASCII characters without spaces (it must fit a Bearer header
 * and a cookie unchanged), and an entropy estimate of at least {@link MIN_TOKEN_BITS} bits. The
 * estimate is the token's length times the Shannon entropy of its own character frequencies: it
 * catches repeats and tiny alphabets (`aaaa…`, `abab…`, `passwordpassword`), not dictionary
 * phrases — generate tokens, do not invent them.
 */
export function tokenWeakness(token: string): string | undefined {
  if (token.trim() === "") return "the dashboard token is empty or only whitespace";
  if (!/^[\x21-\x7e]+$/.test(token))
    return "the dashboard token has spaces, control or non-ASCII characters (it must fit an HTTP header)";
  if (token.length < MIN_TOKEN_LENGTH)
    return `the dashboard token is shorter than ${MIN_TOKEN_LENGTH} characters`;
  const bits = entropyBits(token);
  if (bits < MIN_TOKEN_BITS)
    return `the dashboard token is too predictable (about ${Math.floor(bits)} bits; at least ${MIN_TOKEN_BITS} needed)`;
  return undefined;
}

/** length × Shannon entropy per character of the string's own character distribution. */
export function entropyBits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * s.length;
}

/**
 * A redirect target that can only stay on this origin: exactly one leading `/`. A path such as
 * `//evil.com/` (from `/.//evil.com/`) or `/\evil.com` would otherwise be read by a browser as
 * another host.
 */
export const sameOriginTarget = (pathname: string, search = ""): string =>
  `/${pathname.replace(/^[/\\]+/, "")}${search}`;

/**
 * Whether the browser reached us over TLS: always with `--secure-cookie`, or when a trusted proxy
 * (`--trust-proxy`) says `X-Forwarded-Proto: https` (the first hop's value).
 */
export function requestIsSecure(
  req: IncomingMessage,
  o: { secureCookie?: boolean; trustProxy?: boolean },
): boolean {
  if (o.secureCookie) return true;
  if (!o.trustProxy) return false;
  const proto = req.headers["x-forwarded-proto"];
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(",")[0]?.trim().toLowerCase();
  return first === "https";
}
