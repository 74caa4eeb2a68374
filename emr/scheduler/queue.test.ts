import { describe, expect, it } from "vitest";
import type { Window } from "../../runtime/windows/index.ts";
import type { PipelineRun, RunStatus } from "../../sql/index.ts";
import { foldHistory } from "../runs/records.ts";
import { enqueue, type QueueItem, queueTick, retryDelay, startOf } from "./queue.ts";
import { lastDueWindow } from "./scheduler.ts";

const t = (hhmm: string) => new Date(`2026-11-26T${hhmm}:00.000Z`);
const w = (hhmm: string): Window => ({ start: t(hhmm), end: new Date(t(hhmm).getTime() + 900_000) });
let nextId = 1;
const row = (hhmm: string, attempt: number, status: RunStatus, fingerprint = "fp"): PipelineRun => ({
  id: nextId++,
  window_start: t(hhmm),
  window_end: w(hhmm).end,
  attempt,
  status,
  runner: "local",
  step_id: null,
  input_objects: 1,
  input_fingerprint: fingerprint,
  rows_read: null,
  bad_records: null,
  duplicates: null,
  started_at: t(hhmm),
  finished_at: null,
  error: null,
  artifacts_uri: null,
  owner: "test",
  sql_hashes: null,
});
const show = (items: QueueItem[]) =>
  items.map((i) => `${i.window.start.toISOString().slice(11, 16)} ${i.reason}`);

describe("foldHistory", () => {
  it("keeps the newest attempt and counts failures after the newest success", () => {
    const h = foldHistory([
      row("04:00", 2, "succeeded"),
      row("04:00", 1, "failed"),
      row("04:00", 3, "failed"),
      row("04:00", 4, "interrupted"),
      row("04:00", 5, "failed"),
    ]).get(t("04:00").getTime())!;
    expect(h.last.attempt).toBe(5);
    expect(h.succeeded?.attempt).toBe(2);
    expect(h.failuresSinceSuccess).toBe(2);
  });
});

describe("queueTick", () => {
  const candidates = ["04:00", "04:15", "04:30", "04:45", "05:00", "05:15"].map(w);

  it("names a reason for every window that needs work, oldest first", () => {
    const history = foldHistory([
      row("04:00", 1, "succeeded", "old"), // input changed since: late data
      row("04:15", 1, "succeeded", "same"), // unchanged
      row("04:30", 1, "failed"),
      row("04:30", 2, "failed"), // 2 of 3 attempts used: retry
      row("04:45", 1, "running"), // resume (taken over if its owner is gone)
      row("05:00", 1, "failed"),
      row("05:00", 2, "failed"),
      row("05:00", 3, "failed"), // out of budget: left failed
    ]);
    const fingerprints = new Map([
      [t("04:00").getTime(), "new"],
      [t("04:15").getTime(), "same"],
    ]);
    const queued = queueTick({ candidates, newFrom: t("04:00"), history, fingerprints, maxAttempts: 3 });
    expect(show(queued)).toEqual(["04:00 late-data", "04:30 retry", "04:45 resume", "05:15 new"]);
  });

  it("retries interrupted and cancelled windows without spending budget, and skips gaps below newFrom", () => {
    const history = foldHistory([row("04:15", 1, "interrupted"), row("04:30", 1, "cancelled")]);
    const queued = queueTick({
      candidates,
      newFrom: t("05:00"),
      history,
      fingerprints: new Map(),
      maxAttempts: 1,
    });
    expect(show(queued)).toEqual(["04:15 retry", "04:30 retry", "05:00 new", "05:15 new"]);
  });
});

describe("startOf", () => {
  const base = { recheckFrom: t("03:00"), lastDue: w("05:00"), windowMinutes: 15 };

  it("starts at --from when given", () => {
    expect(startOf({ ...base, from: t("01:00"), frontier: t("04:45") })).toEqual({
      start: t("01:00"),
      newFrom: t("01:00"),
    });
  });

  it("resumes after the frontier, reaching back to the oldest open window and the recheck horizon", () => {
    expect(startOf({ ...base, frontier: t("04:45") })).toEqual({ start: t("03:00"), newFrom: t("05:00") });
    expect(startOf({ ...base, frontier: t("04:45"), oldestOpen: t("02:30") })).toEqual({
      start: t("02:30"),
      newFrom: t("05:00"),
    });
  });

  it("starts at the oldest raw hour on a first start, else at the newest due window", () => {
    expect(startOf({ ...base, oldestInput: t("02:00") })).toEqual({ start: t("02:00"), newFrom: t("02:00") });
    expect(startOf(base)).toEqual({ start: t("05:00"), newFrom: t("05:00") });
  });
});

describe("timing helpers", () => {
  it("finds the newest due window", () => {
    // 04:15–04:30 closes at 04:30, due at 04:40 with 10 minutes of lateness.
    expect(lastDueWindow(new Date("2026-11-26T04:39:59Z"), 15, 10)).toEqual(w("04:00"));
    expect(lastDueWindow(new Date("2026-11-26T04:40:00Z"), 15, 10)).toEqual(w("04:15"));
  });

  it("doubles the retry delay and caps it at 15 minutes", () => {
    expect([1, 2, 3, 12].map((n) => retryDelay(n, 30_000))).toEqual([30_000, 60_000, 120_000, 900_000]);
  });

  it("queues oldest first without duplicates", () => {
    const q: QueueItem[] = [{ window: w("04:30"), reason: "new" }];
    enqueue(q, [
      { window: w("05:00"), reason: "late-data" },
      { window: w("04:30"), reason: "late-data" },
      { window: w("04:45"), reason: "late-data" },
    ]);
    expect(show(q)).toEqual(["04:30 new", "04:45 late-data", "05:00 late-data"]);
  });
});
