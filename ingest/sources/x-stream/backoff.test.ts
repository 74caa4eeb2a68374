import { ApiRequestError, ApiResponseError } from "twitter-api-v2";
import { describe, expect, it } from "vitest";
import { failureKind, reconnectDelayMs } from "./backoff.ts";

const response = (code: number) =>
  new ApiResponseError(`Request failed with code ${code}`, {
    code,
    request: {} as never,
    response: { headers: {} } as never,
    headers: {},
    data: { title: "x", detail: "x", type: "x" },
  });
const network = () =>
  new ApiRequestError("socket hang up", { request: {} as never, error: new Error("ECONNRESET") });

describe("reconnect delays (X's guidance)", () => {
  it("classifies failures", () => {
    expect(failureKind(network())).toBe("network");
    expect(failureKind(response(503))).toBe("http");
    expect(failureKind(response(429))).toBe("rate-limit");
    expect(failureKind(undefined)).toBe("network");
  });

  it("backs off linearly by 250 ms up to 16 s on network errors", () => {
    expect([1, 2, 3, 64, 65, 1000].map((n) => reconnectDelayMs(n, network()))).toEqual([
      250, 500, 750, 16_000, 16_000, 16_000,
    ]);
  });

  it("backs off exponentially from 5 s up to 320 s on HTTP errors", () => {
    expect([1, 2, 3, 7, 8, 50].map((n) => reconnectDelayMs(n, response(500)))).toEqual([
      5_000, 10_000, 20_000, 320_000, 320_000, 320_000,
    ]);
  });

  it("backs off exponentially from 60 s on 429, capped at one 15-minute window", () => {
    expect([1, 2, 3, 4, 5].map((n) => reconnectDelayMs(n, response(429)))).toEqual([
      60_000, 120_000, 240_000, 480_000, 900_000,
    ]);
  });
});
