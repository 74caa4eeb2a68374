import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import type { StepRequest, StepRunner, StepStatus } from "../../emr/index.ts";
import { isTrendsError } from "../../runtime/errors/index.ts";
import type { Database } from "../../sql/index.ts";

/** What each runner's test file provides to the shared contract. */
export interface RunnerHarness {
  runner: StepRunner;
  db: Kysely<Database>;
  jdbcUrl: string;
  /**
   * Input prefixes for a window: `ok` holds three lines of which one is not JSON; `fail` and
   * `sleep` carry the fake step's marker files.
   */
  inputs(kind: "ok" | "fail" | "sleep"): Promise<string[]>;
  /** An id the runner has never issued. */
  unknownId: string;
}

const window = (minute: number) => ({
  start: new Date(Date.UTC(2026, 10, 26, 4, minute)),
  end: new Date(Date.UTC(2026, 10, 26, 4, minute + 15)),
});

async function newRun(db: Kysely<Database>, start: Date, runner: StepRunner["kind"]): Promise<number> {
  const row = await db
    .insertInto("pipeline_run")
    .values({
      window_start: start,
      window_end: new Date(start.getTime() + 15 * 60_000),
      attempt: 1,
      status: "running",
      runner,
      started_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

async function until(runner: StepRunner, id: string, ok: (s: StepStatus) => boolean): Promise<StepStatus> {
  for (let i = 0; i < 600; i++) {
    const s = await runner.status(id);
    if (ok(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`step ${id} never reached the expected state`);
}

/**
 * The contract every StepRunner passes (Hono style: one suite, a tiny file per implementation).
 * Three real spark-submits per runner, started together so they share the JVM start-up time.
 */
export function runnerContract(name: string, harness: () => RunnerHarness): void {
  describe(`StepRunner contract: ${name}`, () => {
    it("completes a step with its stats, fails one with a reason, cancels a running one", async () => {
      const h = harness();
      const okWindow = window(0);
      const runId = await newRun(h.db, okWindow.start, h.runner.kind);
      const req = (minute: number, inputs: string[], runId?: number): StepRequest => ({
        window: window(minute),
        inputs,
        jdbcUrl: h.jdbcUrl,
        ...(runId === undefined ? {} : { runId }),
      });
      const okId = await h.runner.submit(req(0, await h.inputs("ok"), runId));
      const failId = await h.runner.submit(req(15, await h.inputs("fail")));
      const sleepId = await h.runner.submit(req(30, await h.inputs("sleep")));
      expect(new Set([okId, failId, sleepId]).size).toBe(3);
      expect(["PENDING", "RUNNING"]).toContain((await h.runner.status(sleepId)).state);

      const ok = await h.runner.wait(okId);
      expect(ok.state).toBe("COMPLETED");
      // 3 non-empty lines, 1 of them not JSON (fixture written by the harness).
      expect(ok.result).toMatchObject({ rows_read: 3, bad_records: 1, duplicates: 0 });
      expect(ok.endedAt!.getTime()).toBeGreaterThanOrEqual(ok.startedAt!.getTime());
      const row = await h.db
        .selectFrom("pipeline_run")
        .select(["rows_read", "bad_records", "duplicates"])
        .where("id", "=", runId)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ rows_read: 3, bad_records: 1, duplicates: 0 });

      const failed = await h.runner.wait(failId);
      expect(failed.state).toBe("FAILED");
      expect(failed.reason).toContain("fake step failed on purpose for window 2026-11-26T04:15:00.000Z");
      expect(failed.result).toBeUndefined();

      await until(h.runner, sleepId, (s) => s.state === "RUNNING");
      await h.runner.cancel(sleepId);
      const cancelled = await h.runner.wait(sleepId);
      expect(cancelled.state).toBe("CANCELLED");
      // Cancelling a finished step changes nothing.
      await h.runner.cancel(okId);
      expect((await h.runner.status(okId)).state).toBe("COMPLETED");

      if (h.runner.list) {
        const ids = (await h.runner.list()).map((s) => s.id);
        expect(ids).toEqual(expect.arrayContaining([okId, failId, sleepId]));
      }
    });

    it("reports an unknown step id as a usage error", async () => {
      const h = harness();
      const err = await h.runner.status(h.unknownId).catch((e: unknown) => e);
      expect(isTrendsError(err) && err.exitCode).toBe(2);
      expect((err as Error).message).toContain(h.unknownId);
      await expect(h.runner.cancel(h.unknownId)).rejects.toThrow(h.unknownId);
    });

    it("rejects a JDBC URL with a password before running anything", async () => {
      const h = harness();
      const bad = {
        window: window(45),
        inputs: [],
        jdbcUrl: "jdbc:postgresql://db:5432/trends?password=hunter2",
      };
      const err = await h.runner.submit(bad).catch((e: unknown) => e);
      expect(isTrendsError(err) && err.exitCode).toBe(2);
      expect((err as Error).message).not.toContain("hunter2");
    });
  });
}
