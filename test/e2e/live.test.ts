import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "../../cli/in-process.ts";
import { dataFromDb } from "../../dashboard/index.ts";
import { METRIC_TABLES } from "../../sql/index.ts";
import { migratedDb, type TestDb, tableRows } from "../emr/scheduler-support.ts";
import {
  AFTER,
  BASELINE,
  count,
  expectConfirmed,
  finals,
  liveAlertsOfW,
  startLive,
  TIMEOUT,
  until,
  W,
  writeAfter,
  writeBaseline,
  writeBurstRest,
  writeBurstStart,
} from "./live-support.ts";

/*
 * Live mode end to end (docs/contracts.md, "Live windows"): eight calm windows (20 posts each) are
 * final; then a burst in W = 10:00 is delivered in two parts, as a fast replay would. The live
 * application must store W's provisional rows and a provisional volume alert while W is still
 * open (no final run of W yet); the final run of W must confirm it and leave no provisional row;
 * at the end every result table equals a batch-only run of the same files.
 */
let root: string;
let live: TestDb;
let batch: TestDb;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "trends-live-"));
  writeBaseline(root);
  [live, batch] = await Promise.all([migratedDb("live_e2e"), migratedDb("live_e2e_batch")]);
});

afterAll(async () => {
  await Promise.all([live?.db.destroy(), batch?.db.destroy()]);
  if (root) rmSync(root, { recursive: true, force: true });
}, TIMEOUT);

describe("e2e: live windows", () => {
  it(
    "shows the provisional volume alert before W closes, the final after; the finals equal a batch-only run",
    async () => {
      await finals(root, live, BASELINE[0]!.start, W.start);
      const stop = new AbortController();
      const lines: string[] = [];
      const supervised = startLive(root, live, stop.signal, lines);
      try {
        writeBurstStart(root);
        const provisional = await until(
          "a provisional volume alert of W",
          async () => {
            const rows = await liveAlertsOfW(live.db);
            return rows.some((r) => r.kind === "volume_alert" && r.state === "provisional")
              ? rows
              : undefined;
          },
          lines,
        );
        expect(provisional.find((r) => r.kind === "volume_alert" && r.topic === "acme")).toMatchObject({
          state: "provisional",
          severity: "critical",
        });
        // W is still open: not final, and its provisional rows are readable
        expect(
          await count(live.db, sql`select count(*) as n from pipeline_run where window_start = ${W.start}`),
        ).toBe(0);
        expect(
          await count(
            live.db,
            sql`select count(*) as n from provisional_row where metric = 'sentiment_window' and window_start = ${W.start}`,
          ),
        ).toBe(2);
        expect(
          await count(live.db, sql`select count(*) as n from volume_alert where window_start = ${W.start}`),
        ).toBe(0);
        // the readers show them, marked: `query alerts --live`, `query metric NAME --live`
        const range = ["--topic", "acme", "--from", W.start.toISOString(), "--to", W.end.toISOString()];
        const db = ["--database-url", live.url, "--json"];
        const shown = await runInProcess(["query", "alerts", "--live", ...range, ...db]);
        expect(shown.code, shown.stderr).toBe(0);
        const alertsOut = JSON.parse(shown.stdout);
        expect(alertsOut.alerts).toEqual([]);
        expect(alertsOut.live).toContainEqual(
          expect.objectContaining({ kind: "volume_alert", state: "provisional" }),
        );
        const rows = await runInProcess(["query", "metric", "sentiment_window", "--live", ...range, ...db]);
        expect(rows.code, rows.stderr).toBe(0);
        const metricOut = JSON.parse(rows.stdout);
        expect(metricOut.rows).toEqual([]);
        expect(metricOut.provisional).toHaveLength(1);
        expect(metricOut.provisional[0]).toMatchObject({ topic: "acme", provisional: true });
        expect(metricOut.provisional[0].n_tweets).toBeGreaterThanOrEqual(120);
        // and the dashboard's API (`/api/live`)
        const view = await dataFromDb(live.db).live({ topic: "acme", from: W.start, to: W.end, limit: 100 });
        expect(view.alerts).toContainEqual(
          expect.objectContaining({ kind: "volume_alert", provisional: true }),
        );
        expect(view.sentiment).toEqual([expect.objectContaining({ topic: "acme", provisional: true })]);

        writeBurstRest(root);
        writeAfter(root);
        await until(
          "provisional rows of the window after W",
          async () =>
            (await count(
              live.db,
              sql`select count(*) as n from provisional_row where window_start = ${AFTER[1]!.start}`,
            )) > 0
              ? true
              : undefined,
          lines,
        );
        await finals(root, live, W.start, W.end);
        await expectConfirmed(live.db);
        expect(
          await count(
            live.db,
            sql`select count(*) as n from provisional_row where window_start = ${W.start}`,
          ),
        ).toBe(0);
        expect(
          await count(live.db, sql`select count(*) as n from volume_alert where window_start = ${W.start}`),
        ).toBeGreaterThan(0);
        await finals(root, live, AFTER[0]!.start, AFTER[1]!.end);
      } finally {
        stop.abort();
        await supervised;
      }
      expect(await count(live.db, sql`select count(*) as n from provisional_row`)).toBe(0);
      expect(
        await count(live.db, sql`select count(*) as n from live_alert where state = 'provisional'`),
      ).toBe(0);

      await finals(root, batch, BASELINE[0]!.start, AFTER[1]!.end);
      for (const table of METRIC_TABLES)
        expect(await tableRows(live.db, table), table).toEqual(await tableRows(batch.db, table));
    },
    TIMEOUT,
  );
});
