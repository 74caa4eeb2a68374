import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedDb, type TestDb } from "../emr/scheduler-support.ts";
import {
  BASELINE,
  count,
  expectConfirmed,
  finals,
  startLive,
  TIMEOUT,
  until,
  W,
  writeBaseline,
  writeBurstRest,
  writeBurstStart,
} from "./live-support.ts";

/*
 * The live application killed mid-refresh (SIGKILL of its process group, nothing of it gets to
 * clean up), restarted by its supervisor: the restart resumes from the Structured Streaming
 * checkpoint (the killed batch runs again), reads the open window's earlier files again (its held
 * events died with it), and W's provisional rows then count every post; W's final commits once and
 * leaves no provisional row.
 */
let root: string;
let t: TestDb;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "trends-live-kill-"));
  writeBaseline(root);
  t = await migratedDb("live_kill");
});

afterAll(async () => {
  await t?.db.destroy();
  if (root) rmSync(root, { recursive: true, force: true });
}, TIMEOUT);

const provisionalTweets = () =>
  sql<{ n: string }>`select coalesce(max((row ->> 'n_tweets')::bigint), 0) as n from provisional_row
    where metric = 'sentiment_window' and window_start = ${W.start} and topic = 'acme'`;

describe("e2e: live mode killed mid-refresh", () => {
  it(
    "restarts; no final is committed twice, no provisional row outlives its final, nothing is missing",
    async () => {
      await finals(root, t, BASELINE[0]!.start, W.start);
      const stop = new AbortController();
      const lines: string[] = [];
      const children: ChildProcess[] = [];
      const supervised = startLive(root, t, stop.signal, lines, (c) => children.push(c));
      try {
        writeBurstStart(root);
        await until(
          "W's first provisional rows",
          async () => ((await count(t.db, provisionalTweets())) === 120 ? true : undefined),
          lines,
        );
        const before = lines.length;
        writeBurstRest(root);
        // mid-refresh: the second batch is being computed (a metric's phase is logged), not yet written
        await until(
          "the second refresh under way",
          async () => (lines.slice(before).some((l) => l.includes("phase domain_window")) ? true : undefined),
          lines,
        );
        process.kill(-children[0]!.pid!, "SIGKILL");
        await until(
          "W's provisional rows from every post after the restart",
          async () => ((await count(t.db, provisionalTweets())) === 180 ? true : undefined),
          lines,
        );
        expect(children.length).toBe(2);
        await finals(root, t, W.start, W.end);
      } finally {
        stop.abort();
        await supervised;
      }
      const twice = await t.db
        .selectFrom("pipeline_run")
        .select(["window_start", (e) => e.fn.countAll<string>().as("n")])
        .where("status", "=", "succeeded")
        .groupBy("window_start")
        .having((e) => e.fn.countAll(), ">", 1)
        .execute();
      expect(twice).toEqual([]);
      expect(await count(t.db, sql`select count(*) as n from provisional_row`)).toBe(0);
      expect(await count(t.db, sql`select count(*) as n from live_alert where state = 'provisional'`)).toBe(
        0,
      );
      await expectConfirmed(t.db);
      const final = await t.db
        .selectFrom("sentiment_window")
        .select("n_tweets")
        .where("window_start", "=", W.start)
        .where("topic", "=", "acme")
        .executeTakeFirstOrThrow();
      expect(Number(final.n_tweets)).toBe(180);
    },
    TIMEOUT,
  );
});
