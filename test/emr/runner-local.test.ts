import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Kysely } from "kysely";
import { afterAll, beforeAll } from "vitest";
import { LocalStepRunner } from "../../emr/index.ts";
import { type Database, migrateToLatest, openDb } from "../../sql/index.ts";
import { freshDatabase, sparkInstall } from "../support/services.ts";
import { type RunnerHarness, runnerContract } from "./runner-contract.ts";
import { writeInputs } from "./runner-inputs.ts";

const FAKE_STEP = fileURLToPath(new URL("../fakes/emr-emulator/steps/fake_window_step.py", import.meta.url));

let h: RunnerHarness;
let db: Kysely<Database>;
let dir: string;

beforeAll(async () => {
  const url = await freshDatabase("runlocal");
  db = openDb(url);
  await migrateToLatest(db);
  dir = mkdtempSync(join(tmpdir(), "trends-runner-local-"));
  const u = new URL(url);
  h = {
    runner: new LocalStepRunner({
      spark: sparkInstall(),
      script: FAKE_STEP,
      master: "local[1]",
      concurrency: 3,
      jdbcUser: u.username,
      logDir: join(dir, "logs"),
    }),
    db,
    jdbcUrl: `jdbc:postgresql://${u.host}${u.pathname}`,
    // A file:// URI, a plain path and a missing hour: all three forms the step contract allows.
    inputs: async (kind) => [`file://${writeInputs(dir, kind)}`, join(dir, "missing/2026/11/26/05/")],
    unknownId: "local-nope-000000",
  };
});

afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

runnerContract("local spark-submit", () => h);
