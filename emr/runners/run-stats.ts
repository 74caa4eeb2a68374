import type { Kysely } from "kysely";
import type { Database } from "../../sql/index.ts";
import type { StepResult } from "./step-runner.ts";

/**
 * Reads a step's stats from its `pipeline_run` row, where the step writes them (for `--run-id`)
 * in the same transaction as the window's results: on EMR in cluster mode the driver's stdout is
 * in a YARN container log, not something to parse. Undefined until the step has written them.
 */
export const runStatsReader =
  (db: Kysely<Database>) =>
  async (runId: number): Promise<StepResult | undefined> => {
    const row = await db
      .selectFrom("pipeline_run")
      .select(["rows_read", "bad_records", "duplicates"])
      .where("id", "=", runId)
      .executeTakeFirst();
    if (!row || row.rows_read === null) return undefined;
    return {
      rows_read: Number(row.rows_read),
      bad_records: Number(row.bad_records ?? 0),
      duplicates: Number(row.duplicates ?? 0),
    };
  };
