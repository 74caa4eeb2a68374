import { describe, expect, it } from "vitest";
import { windowsBetween } from "../../runtime/windows/index.ts";
import { windowRequests } from "./emr-ops.ts";
import { stepArgs, stepName } from "./step-args.ts";

const base = {
  bucket: "my-trends",
  rawPrefix: "raw/",
  latenessMinutes: 10,
  jdbcUrl: "jdbc:postgresql://db:5432/trends",
};
const day = windowsBetween(new Date("2026-11-26T00:00:00Z"), new Date("2026-11-27T00:00:00Z"), 15, {
  windows: 256,
  why: "test",
});

describe("submit requests", () => {
  it("a day of windows is one range step of 96, each window reading its own prefixes", () => {
    const [r, ...more] = windowRequests({ ...base, windows: day, rangeWindows: 96 });
    expect(more).toEqual([]);
    expect(r!.range!.count).toBe(96);
    expect(stepName(r!)).toBe("trends windows 2026-11-26T00:00:00.000Z x96");
    // 26 arrival hours for 96 windows: each window's own prefixes, the hour before the day to the one after.
    expect(r!.inputs).toHaveLength(26);
    expect(new Set(r!.inputs).size).toBe(26);
    expect(r!.inputs).toContain("s3://my-trends/raw/2026/11/26/00/");
    const single = windowRequests({ ...base, windows: day.slice(5, 6) })[0]!;
    expect(r!.range!.windowInputs[5]!.map((i) => r!.inputs[i])).toEqual(single.inputs);
    const args = stepArgs(r!);
    expect(args.filter((a) => a === "--window-inputs")).toHaveLength(96);
    expect(args[args.indexOf("--windows") + 1]).toBe("96");
  });

  it("splits into runs of at most --range-windows, and never joins windows that do not follow each other", () => {
    const runs = (ws: typeof day, n: number) =>
      windowRequests({ ...base, windows: ws, rangeWindows: n }).map((r) => [
        r.window.start.toISOString().slice(11, 16),
        r.range?.count ?? 1,
      ]);
    expect(runs(day.slice(0, 10), 4)).toEqual([
      ["00:00", 4],
      ["01:00", 4],
      ["02:00", 2],
    ]);
    expect(runs([day[0]!, day[1]!, day[3]!], 96)).toEqual([
      ["00:00", 2],
      ["00:45", 1],
    ]);
    // 1: a step per window, as before, with no range arguments.
    const one = windowRequests({ ...base, windows: day.slice(0, 2), rangeWindows: 1 });
    expect(one.map((r) => r.range)).toEqual([undefined, undefined]);
    expect(stepArgs(one[0]!)).not.toContain("--windows");
  });
});
