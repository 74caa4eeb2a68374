import { describe, expect, it } from "vitest";
import { attemptLine } from "./report.ts";
import type { AttemptOutcome } from "./types.ts";

const base: AttemptOutcome = {
  window: { start: new Date("2026-11-26T04:00:00Z"), end: new Date("2026-11-26T04:15:00Z") },
  reason: "requested",
  runId: 7,
  attempt: 1,
  status: "succeeded",
  inputObjects: 2,
  events: 120,
  rowsRead: 125,
  badRecords: 1,
  duplicates: 4,
  seconds: 12.34,
};

describe("attemptLine", () => {
  it("prints events, bad records, duplicates and seconds of a window", () => {
    expect(attemptLine(base)).toBe(
      "2026-11-26T04:00:00.000Z  succeeded    events 120  rows 125  bad 1  dup 4  12.3 s  attempt 1",
    );
  });

  it("adds why a scheduler ran it and the first line of a failure", () => {
    expect(
      attemptLine({
        ...base,
        reason: "retry",
        status: "failed",
        events: undefined,
        error: "boom\nstack",
        attempt: 2,
      }),
    ).toBe(
      "2026-11-26T04:00:00.000Z  failed       events -  rows 125  bad 1  dup 4  12.3 s  attempt 2  (retry)  — boom",
    );
  });
});
