import { defineConfig } from "vitest/config";
import LongestFirst from "./test/setup/sequencer.ts";

// Two projects: `unit` (no services, next to the code) and `integration` (real PostgreSQL,
// moto, spark-submit; started once per run in test/setup/global.ts). `npm test` runs both.
export default defineConfig({
  test: {
    reporters: ["default", "./test/setup/summary-reporter.ts"],
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: "unit",
          sequence: { groupOrder: 0 },
          include: [
            "{cli,runtime,ingest,sparkgen,emr,sql,dashboard,demo,bench}/**/*.test.ts",
            // The test harness's own tests need no services.
            "test/setup/**/*.test.ts",
          ],
          environment: "node",
          // Some unit tests spawn the CLI, which type-checks the specs (seconds); on a loaded
          // 2-core machine the 5 s default fails them for no reason of their own.
          testTimeout: 60_000,
          // VADER's lexicons come from the installed vaderSentiment (runtime/vader).
          globalSetup: ["test/setup/vader.ts"],
        },
      },
      {
        test: {
          name: "integration",
          sequence: { groupOrder: 1 },
          include: ["test/**/*.test.ts"],
          exclude: ["test/setup/**"],
          environment: "node",
          globalSetup: ["test/setup/global.ts"],
          // Spark steps start a JVM each; two at a time is what 2 cores take.
          maxWorkers: 2,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
