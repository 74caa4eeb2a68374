import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { cookies, hostHeaderIsLoopback, isLoopbackAddress, presentedToken, tokenMatches } from "./auth.ts";

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe("dashboard auth helpers", () => {
  it("matches only the exact token, whatever the lengths", () => {
    expect(tokenMatches("s3cret-token-0123456789", "s3cret-token-0123456789")).toBe(true);
    expect(tokenMatches("s3cret-token-012345678", "s3cret-token-0123456789")).toBe(false);
    expect(tokenMatches("s3cret-token-01234567890", "s3cret-token-0123456789")).toBe(false);
    expect(tokenMatches("", "s3cret-token-0123456789")).toBe(false);
    expect(tokenMatches(undefined, "s3cret-token-0123456789")).toBe(false);
  });

  it("reads the bearer header first, then the cookie", () => {
    expect(presentedToken(req({ authorization: "Bearer abc" }))).toBe("abc");
    expect(presentedToken(req({ authorization: "bearer  abc " }))).toBe("abc");
    expect(presentedToken(req({ authorization: "Basic abc", cookie: "trends_token=c" }))).toBeUndefined();
    expect(presentedToken(req({ cookie: "a=1; trends_token=t%3Dx; b=2" }))).toBe("t=x");
    expect(presentedToken(req({}))).toBeUndefined();
    expect(cookies("bad; =x; trends_token=%E0%A4%A; ok=1")).toEqual({ ok: "1" });
  });

  it("knows loopback addresses and Host headers", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1", "localhost"].map(isLoopbackAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(["0.0.0.0", "::", "10.0.0.5", "example.com"].map(isLoopbackAddress)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(["localhost:8080", "127.0.0.1:1", "[::1]:8080", "LOCALHOST"].map(hostHeaderIsLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ["evil.example", "localhost.evil.example:80", "127.0.0.1.nip.io", undefined].map(hostHeaderIsLoopback),
    ).toEqual([false, false, false, false]);
  });
});
