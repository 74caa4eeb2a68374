import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The integration files that take minutes, in seconds: from the fresh-clone run in BENCHMARKS.md
 * ("The test suite"). Only their order matters, so they go stale slowly; a new slow file without
 * an entry runs in vitest's default order and shows up in the next measurement.
 */
export const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  "test/e2e/live-kill.test.ts": 620,
  "test/e2e/live.test.ts": 570,
  "test/emr/overlap.test.ts": 510,
  "test/emr/range-exact.test.ts": 470,
  "test/sparkgen/plan-backfill.test.ts": 450,
  "test/emr/scheduler.test.ts": 300,
  "test/sparkgen/spark4.test.ts": 290,
  "test/sparkgen/spec-cases.test.ts": 250,
  "test/e2e/demo-live.test.ts": 220,
  "test/emr/range-step.test.ts": 245,
  "test/sparkgen/window.test.ts": 235,
  "test/sparkgen/alerts.test.ts": 225,
  "test/e2e/aws-path.test.ts": 190,
  "test/sparkgen/operators.test.ts": 155,
  "test/emr/scheduler-cli.test.ts": 105,
  "test/sparkgen/volume-alert.test.ts": 95,
  "test/sparkgen/unstorable.test.ts": 85,
  "test/sparkgen/rollup.test.ts": 70,
  "test/sparkgen/language.test.ts": 65,
  "test/sparkgen/runtime-python.test.ts": 65,
  "test/cds.test.ts": 20,
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
