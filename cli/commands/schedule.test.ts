import { describe, expect, it } from "vitest";
import { runInProcess } from "../in-process.ts";

// Checked before anything is opened or started: a wrong combination is one line and exit 2.
describe("trends schedule --live flags", () => {
  it.each([
    [["schedule", "--refresh", "1m"], "--refresh goes with --live"],
    [["schedule", "--checkpoint", "/tmp/ck"], "--checkpoint goes with --live"],
    [["schedule", "--live", "--once"], "--live does not go with --once"],
    [["schedule", "--live", "--backfill"], "--live does not go with --backfill"],
    [["schedule", "--live", "--refresh", "soon"], '--refresh "soon" is not a duration'],
    [["schedule", "--live", "--refresh", "2h"], "is not whole seconds up to 1h"],
  ])("%j is one line and exit 2", async (args, message) => {
    const r = await runInProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
