import { describe, expect, it } from "vitest";
import { type LiveEnd, liveAppArgs, restartDelayMs, superviseLive } from "./supervisor.ts";

describe("the live supervisor", () => {
  it("restarts after an exponential delay, capped, jittered within its upper half", () => {
    const low = () => 0;
    const high = () => 1;
    expect([0, 1, 2, 3].map((n) => restartDelayMs(n, 1000, 60_000, high))).toEqual([1000, 2000, 4000, 8000]);
    expect([0, 1, 2, 3].map((n) => restartDelayMs(n, 1000, 60_000, low))).toEqual([500, 1000, 2000, 4000]);
    expect(restartDelayMs(30, 1000, 60_000, high)).toBe(60_000);
  });

  it("passes the window settings and no credentials as arguments", () => {
    const args = liveAppArgs({
      input: "/data/raw",
      checkpoint: "/data/ck",
      jdbcUrl: "jdbc:postgresql://db:5432/trends",
      windowMinutes: 15,
      latenessMinutes: 10,
      refreshSeconds: 60,
      plan: "/plan.json",
    });
    expect(args).toEqual([
      "--plan",
      "/plan.json",
      "--input",
      "/data/raw",
      "--checkpoint",
      "/data/ck",
      "--jdbc-url",
      "jdbc:postgresql://db:5432/trends",
      "--window-minutes",
      "15",
      "--lateness-minutes",
      "10",
      "--refresh",
      "60s",
    ]);
  });

  it("starts a run again after it ends, also when its start is refused, until the signal stops it", async () => {
    const stop = new AbortController();
    const calls: string[] = [];
    const run = async (signal: AbortSignal): Promise<LiveEnd> => {
      calls.push(`start ${calls.length}`);
      if (calls.length === 1) return { code: 1, reason: "died" };
      if (calls.length === 2) throw new Error("ThrottlingException");
      // the third lives until stopped
      await new Promise((r) => signal.addEventListener("abort", r, { once: true }));
      calls.push("stopped");
      return { state: "CANCELLED" };
    };
    const supervised = superviseLive(run, { signal: stop.signal, firstDelayMs: 1, maxDelayMs: 4 });
    while (calls.length < 3) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    await supervised;
    expect(calls).toEqual(["start 0", "start 1", "start 2", "stopped"]);
  });
});
