import { describe, expect, it } from "vitest";
import { synthOptionsFrom } from "./options.ts";

const ok = { tweets: 10, start: "2026-11-26T04:00:00Z" };

describe("synthOptionsFrom", () => {
  it("fills defaults and parses times and topics", () => {
    expect(synthOptionsFrom({ ...ok, topics: "a, b", crisisAt: "2026-11-26T04:30:00Z" })).toEqual({
      tweets: 10,
      seed: 1,
      start: new Date("2026-11-26T04:00:00Z"),
      minutes: 60,
      corrupt: 0,
      topics: ["a", "b"],
      crisisAt: new Date("2026-11-26T04:30:00Z"),
      crisisTopic: "a",
    });
  });

  it.each([
    [{ ...ok, tweets: 0 }, "--tweets 0 is not a whole number from 1 to 5000000"],
    [{ ...ok, minutes: -1 }, "--minutes -1 is not a number of minutes above 0"],
    [{ ...ok, corrupt: 1.5 }, "--corrupt 1.5 is not a whole number from 0 to 1000000"],
    [{ ...ok, start: "soon" }, '--start "soon" is not an ISO-8601 time'],
    [{ ...ok, topics: "a,,b" }, '--topics: "" is not a tag'],
    [{ ...ok, topics: "a,a" }, "--topics lists a tag twice"],
    [{ ...ok, crisisTopic: "acme" }, "--crisis-topic needs --crisis-at"],
    [
      { ...ok, crisisAt: "2026-11-26T05:00:00Z" },
      "--crisis-at 2026-11-26T05:00:00.000Z is outside the stream",
    ],
    [
      { ...ok, crisisAt: "2026-11-26T04:10:00Z", crisisTopic: "x" },
      "--crisis-topic x is not one of the topics",
    ],
  ])("rejects %j", (flags, message) => {
    expect(() => synthOptionsFrom(flags)).toThrow(message);
  });
});
