import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The integration files that take minutes, in seconds: from an idle run of the integration project
 * at 7207ae4, with the scheduler, alert and AWS-path files at their cost after 65413dd (BENCHMARKS.md,
 * "Jobs of the metrics a test reads"). Only their order matters, so they go stale slowly; a new
 * slow file without an entry runs in vitest's default order and shows up in the next measurement.
 */
export const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  "test/emr/range-exact.test.ts": 183,
  "test/emr/overlap.test.ts": 171,
  "test/e2e/live.test.ts": 115,
  "test/sparkgen/plan-backfill.test.ts": 109,
  "test/e2e/live-kill.test.ts": 79,
  "test/e2e/demo-live.test.ts": 76,
  "test/emr/scheduler.test.ts": 60,
  "test/e2e/aws-path.test.ts": 60,
  "test/sparkgen/window.test.ts": 53,
  "test/sparkgen/spec-cases.test.ts": 51,
  "test/sparkgen/runtime-python.test.ts": 44,
  "test/ingest/firehose-faults.test.ts": 41,
  "test/emr/runner-cli.test.ts": 38,
  "test/emr/range-step.test.ts": 37,
  "test/emr/scheduler-cli.test.ts": 36,
  "test/sparkgen/alerts.test.ts": 30,
  "test/sparkgen/spark4.test.ts": 28,
  "test/sql/cli.test.ts": 26,
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
