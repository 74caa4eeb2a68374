import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { hourPrefix, inputHourPrefixes, windowContaining } from "../../runtime/windows/index.ts";
import { trends } from "../../test/support/cli.ts";

/** `hour prefix → event lines` of every object under `root` (dot-files are in-progress objects). */
function objectsByHour(root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!d.isFile() || d.name.startsWith(".")) continue;
    const hour = `${relative(root, d.parentPath)}/`;
    const lines = readFileSync(join(d.parentPath, d.name), "utf8").split("\n").filter(Boolean);
    out.set(hour, [...(out.get(hour) ?? []), ...lines]);
  }
  return out;
}

const synth = ["--source", "synth", "--tweets", "300", "--seed", "7", "--minutes", "120"];
const quiet = ["--sentiment", "none", "--progress-ms", "0"];

describe("trends ingest --arrival", { timeout: 60_000 }, () => {
  it("event-time places every event in an hour its window's step reads (issue 26, item 4)", async () => {
    const out = mkdtempSync(join(tmpdir(), "trends-arrival-"));
    const r = await trends([
      "ingest",
      ...synth,
      "--start",
      "2020-03-01T04:00:00Z",
      ...quiet,
      "--sink",
      "dir",
      "--out",
      out,
      "--arrival",
      "event-time",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const hours = objectsByHour(join(out, "raw"));
    // Two hours of event time (the last events' 5 s delivery delay may reach the next hour).
    expect([...hours.keys()].sort().slice(0, 2)).toEqual(["2020/03/01/04/", "2020/03/01/05/"]);
    let events = 0;
    for (const [hour, lines] of hours) {
      for (const line of lines) {
        const t = new Date((JSON.parse(line) as { created_at: string }).created_at);
        // The prefixes `trends run` reads for the event's window (default 15-minute windows, 10 min lateness).
        expect(inputHourPrefixes(windowContaining(t, 15), 10)).toContain(hour);
        events++;
      }
    }
    expect(events).toBe(300);
  });

  it("wall-clock (the default) files events under the hour of ingest", async () => {
    const out = mkdtempSync(join(tmpdir(), "trends-arrival-"));
    const before = hourPrefix(new Date());
    const r = await trends(["ingest", ...synth, "--start", "2020-03-01T04:00:00Z", ...quiet, "--out", out]);
    const after = hourPrefix(new Date());
    expect(r.code, r.stderr).toBe(0);
    const hours = [...objectsByHour(join(out, "raw")).keys()];
    expect(hours.length).toBeGreaterThan(0);
    for (const h of hours) expect([before, after]).toContain(h);
  });

  it("event-time is refused for a live source and for Firehose, before anything opens", async () => {
    const live = await trends([
      "ingest",
      "--source",
      "x",
      "--sink",
      "dir",
      "--out",
      tmpdir(),
      "--arrival",
      "event-time",
    ]);
    expect(live.code).toBe(2);
    expect(live.stderr).toMatch(
      /^trends: --arrival event-time is for recorded streams; --source x arrives live\n/,
    );
    const firehose = await trends([
      "ingest",
      ...synth,
      "--sink",
      "firehose",
      "--stream",
      "s",
      "--arrival",
      "event-time",
    ]);
    expect(firehose.code).toBe(2);
    expect(firehose.stderr).toMatch(/^trends: --arrival event-time needs --sink dir/);
  });
});
