import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trends } from "../support/cli.ts";
import { eventLine, migratedDb, type TestDb, windowOf, writeObject } from "./scheduler-support.ts";

const W = windowOf("2026-11-25T06:00:00Z");

let t: TestDb;
let root: string;

beforeAll(async () => {
  t = await migratedDb("schedcli");
  root = mkdtempSync(join(tmpdir(), "trends-schedcli-"));
  // Three events of W, one delivered twice (Firehose is at-least-once), one unparsable line.
  const at = (s: number) => new Date(W.start.getTime() + s * 1000);
  const [e1, e2, e3] = [eventLine("c1", at(1), 0.5), eventLine("c2", at(2), -0.5), eventLine("c3", at(3), 0)];
  writeObject(root, "2026/11/25/06/", "trends-1-2026-11-25-06-05-00-a", [e1!, e2!, "{not json"]);
  writeObject(root, "2026/11/25/06/", "trends-1-2026-11-25-06-10-00-b", [e3!, e2!]);
});

afterAll(async () => {
  await t?.db.destroy();
  if (root) rmSync(root, { recursive: true, force: true });
});

// Generous: spark-submit takes ~10 s alone but far longer on a loaded 2-core machine.
const TIMEOUT = 900_000;

describe("trends run / trends schedule (CLI)", () => {
  it(
    "rejects a window start off the 15-minute grid with exit 2 and runs nothing",
    async () => {
      const r = await trends(
        ["run", "--input", root, "--from", "2026-11-25T06:07:00Z", "--to", "2026-11-25T07:00:00Z"],
        {
          DATABASE_URL: t.url,
        },
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--from 2026-11-25T06:07:00.000Z is not on a 15-minute boundary");
      expect(r.stderr).toContain("fix: use a window start such as 2026-11-25T06:00:00.000Z");
      expect(await t.db.selectFrom("pipeline_run").selectAll().execute()).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "processes the range once and reports events, bad records and duplicates per window",
    async () => {
      const r = await trends(
        [
          "run",
          "--input",
          root,
          "--from",
          W.start.toISOString(),
          "--to",
          W.end.toISOString(),
          "--master",
          "local[1]",
          "--json",
        ],
        { DATABASE_URL: t.url },
      );
      expect(r.code, r.stderr.slice(-3000)).toBe(0);
      const out = JSON.parse(r.stdout) as {
        failed: number;
        windows: { window_start: string; status: string; attempts: Record<string, unknown>[] }[];
      };
      expect(out.failed).toBe(0);
      expect(out.windows.map((w) => [w.window_start, w.status])).toEqual([
        [W.start.toISOString(), "succeeded"],
      ]);
      const a = out.windows[0]!.attempts[0]!;
      // 5 lines in 2 objects: 1 unparsable, 4 valid of which 1 repeats an id → 3 events.
      expect([a.input_objects, a.rows_read, a.bad_records, a.duplicates, a.events]).toEqual([2, 5, 1, 1, 3]);
      const s = await t.db
        .selectFrom("sentiment_window")
        .select(["topic", "n_tweets", "n_scored", "avg_score"])
        .where("window_start", "=", W.start)
        .orderBy("topic")
        .execute();
      expect(s.map((x) => [x.topic, Number(x.n_tweets), Number(x.n_scored), x.avg_score])).toEqual([
        ["*", 3, 3, 0],
        ["acme", 3, 3, 0],
      ]);
    },
    TIMEOUT,
  );

  it(
    "`schedule --once` with nothing due exits 0 and says so in JSON",
    async () => {
      const r = await trends(
        ["schedule", "--once", "--json", "--input", root, "--from", "2099-01-01T00:00:00Z"],
        {
          DATABASE_URL: t.url,
        },
      );
      expect(r.code, r.stderr.slice(-3000)).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        standby: false,
        interrupted: false,
        planned: [],
        windows: [],
        failed: [],
      });
    },
    TIMEOUT,
  );
});
