import { describe, expect, it } from "vitest";
import { parseDuration, parseTime, readInstant } from "./index.ts";

describe("parseTime", () => {
  it("reads ISO-8601 instants, a time without a zone as UTC", () => {
    expect(parseTime("2026-11-26T04:15:00Z", "--from").toISOString()).toBe("2026-11-26T04:15:00.000Z");
    expect(parseTime("2026-11-26", "--from").toISOString()).toBe("2026-11-26T00:00:00.000Z");
    expect(parseTime("2026-11-26T04:15", "--from").toISOString()).toBe("2026-11-26T04:15:00.000Z");
    expect(parseTime("2026-11-26T05:15:00.1234+01:00", "--from").toISOString()).toBe(
      "2026-11-26T04:15:00.123Z",
    );
    expect(parseTime("2028-02-29T00:00:00Z", "--from").toISOString()).toBe("2028-02-29T00:00:00.000Z");
  });

  it("refuses impossible dates instead of rolling them over", () => {
    for (const v of [
      "2026-02-30T00:00:00Z",
      "2026-02-29",
      "2026-04-31",
      "2026-13-01",
      "2026-00-10",
      "2026-11-00",
      "2026-11-26T24:00:00Z",
      "2026-11-26T04:60:00Z",
      "2026-11-26T04:15:60Z",
      "2026-11-26T04:15:00+24:00",
      "0001-01-01",
    ]) {
      expect(readInstant(v), v).toEqual({ ok: false, reason: "impossible" });
      expect(() => parseTime(v, "--from"), v).toThrow(
        expect.objectContaining({
          exitCode: 2,
          message: `--from ${JSON.stringify(v)} is not a real date and time (years 1970–9999)`,
        }),
      );
    }
  });

  it("refuses what is not ISO-8601", () => {
    for (const v of ["1700000000", "March 7", "2026-11-26 04:15", "26/11/2026", "", "2026-11-26T4:15Z"])
      expect(readInstant(v), v).toEqual({ ok: false, reason: "format" });
  });
});

describe("parseDuration", () => {
  it("reads positive durations and refuses zero, negative and absurd ones", () => {
    expect(parseDuration("15m", "--every")).toBe(900_000);
    expect(parseDuration("7d", "--since")).toBe(7 * 86_400_000);
    expect(() => parseDuration("soon", "--since")).toThrow(/--since "soon" is not a duration/);
    expect(() => parseDuration("-5h", "--since")).toThrow(/--since "-5h" is not a duration/);
    expect(() => parseDuration("0h", "--since")).toThrow(/is not a positive duration/);
    expect(() => parseDuration("999999999999d", "--since")).toThrow(/longer than ten years/);
  });
});
