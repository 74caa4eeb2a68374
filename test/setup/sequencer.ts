import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The integration files that take minutes, in seconds: from the fresh-clone run in BENCHMARKS.md
 * ("The newcomer's path and the suite, 2026-12-05, of b3cf4e9"). Only their order
 * matters, so they go stale slowly; a new slow file without an entry runs in vitest's default
 * order and shows up in the next measurement.
 */
export const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  "test/emr/range-exact.test.ts": 252,
  "test/emr/overlap.test.ts": 230,
  "test/emr/scheduler.test.ts": 142,
  "test/e2e/live.test.ts": 137,
  "test/sparkgen/plan-backfill.test.ts": 120,
  "test/e2e/aws-path.test.ts": 105,
  "test/e2e/live-kill.test.ts": 97,
  "test/e2e/demo-live.test.ts": 89,
  "test/sparkgen/alerts.test.ts": 68,
  "test/emr/range-step.test.ts": 67,
  "test/sparkgen/window.test.ts": 60,
  "test/sparkgen/spec-cases.test.ts": 60,
  "test/sparkgen/spark4.test.ts": 52,
  "test/sparkgen/runtime-python.test.ts": 43,
  "test/emr/runner-cli.test.ts": 38,
  "test/ingest/firehose-faults.test.ts": 36,
  "test/sparkgen/language.test.ts": 33,
  "test/sparkgen/rollup.test.ts": 32,
};

/**
 * Longest first, so that no file of minutes starts last and runs alone while the other worker
 * idles. vitest orders by its own timings only when it has them (a second run on the same clone);
 * on a fresh clone, which CI always is, it orders by file size, and the slowest files are short.
 * So the files with an entry go first, longest first, and the rest keep vitest's order.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const seconds = (f: TestSpecification) =>
      EXPECTED_SECONDS[relative(f.project.config.root, f.moduleId)] ?? 0;
    // Array.prototype.sort is stable: files without an entry keep vitest's order.
    return sorted.sort((a, b) => seconds(b) - seconds(a));
  }
}
