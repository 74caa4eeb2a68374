import { describe, expect, it } from "vitest";
import {
  hoursOf,
  inputHourPrefixes,
  isDue,
  parseDuration,
  unreadHoursWarning,
  windowAt,
  windowsBetween,
} from "./index.ts";

describe("windows", () => {
  it("rejects an unaligned start and suggests the aligned one", () => {
    expect(() => windowAt(new Date("2026-11-26T04:07:00Z"), 15)).toThrow(/not on a 15-minute boundary/);
  });

  it("lists the windows of a range oldest first", () => {
    const ws = windowsBetween(new Date("2026-11-26T04:00:00Z"), new Date("2026-11-26T05:00:00Z"), 15);
    expect(ws.map((w) => w.start.toISOString().slice(11, 16))).toEqual(["04:00", "04:15", "04:30", "04:45"]);
  });

  it("is due only after the lateness allowance", () => {
    const w = windowAt(new Date("2026-11-26T04:00:00Z"), 15);
    expect(isDue(w, new Date("2026-11-26T04:24:59Z"), 10)).toBe(false);
    expect(isDue(w, new Date("2026-11-26T04:25:00Z"), 10)).toBe(true);
  });

  it("reads the arrival hours from one before the window to the end of its lateness", () => {
    const w = windowAt(new Date("2026-11-26T04:45:00Z"), 15);
    expect(inputHourPrefixes(w, 10)).toEqual(["2026/11/26/03/", "2026/11/26/04/", "2026/11/26/05/"]);
  });

  it("parses durations", () => {
    expect(parseDuration("15m", "--every")).toBe(900_000);
    expect(() => parseDuration("soon", "--since")).toThrow(/--since "soon" is not a duration/);
  });
});

describe("unreadHoursWarning (trends run, issue 26 item 4)", () => {
  const at = (iso: string) => windowAt(new Date(iso), 15);
  const ran = [at("2026-11-26T04:00:00Z"), at("2026-11-26T04:15:00Z")];

  it("takes the hours of a tree's object keys, distinct and in order", () => {
    expect(
      hoursOf(["2026/11/26/09/a", "2026/11/26/04/b", "2026/11/26/09/c", "README", "2026/11/26/x/d"]),
    ).toEqual(["2026/11/26/04/", "2026/11/26/09/"]);
  });

  it("names the hours with data no window read, a few, then how many more", () => {
    const data = hoursOf([
      "2026/11/26/03/a",
      ...["09", "10", "11", "12", "13"].map((h) => `2026/11/26/${h}/x`),
    ]);
    expect(unreadHoursWarning([ran[0]!], ran, data, 10)).toBe(
      "1 window(s) read no event, but the input holds data in hours no window reads: " +
        "2026/11/26/09, 2026/11/26/10, 2026/11/26/11 and 2 more " +
        "(ingest --arrival event-time files recorded events by their own time)",
    );
  });

  it("says nothing when every window read events or every hour with data was read", () => {
    const data = ["2026/11/26/09/"];
    expect(unreadHoursWarning([], ran, data, 10)).toBeUndefined();
    // 03 (clock skew) and 04 are the hours these windows read.
    expect(unreadHoursWarning(ran, ran, ["2026/11/26/03/", "2026/11/26/04/"], 10)).toBeUndefined();
    expect(unreadHoursWarning(ran, ran, [], 10)).toBeUndefined();
  });
});
