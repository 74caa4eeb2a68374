import type { Reporter, SerializedError, TestModule, TestSpecification } from "vitest/node";

/** The parts of vitest's TestModule the count reads (so tests can pass plain objects). */
export interface ModuleLike {
  moduleId: string;
  state(): string;
  children: { allTests(): Iterable<{ result(): { state: string } }> };
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Counts for the closing line. A file that fails outside a test (a throwing `beforeAll`, an error
 * at import) is a failure: its tests that never ran count as failed, and a file with no test
 * counts once. A file that was to run but never reported (globalSetup threw before any ran) and
 * every unhandled error count as failed too, so the line never reads "0 failed" for a red run.
 */
export function countResults(
  planned: readonly string[],
  modules: readonly ModuleLike[],
  unhandledErrors: number,
): Counts {
  const c: Counts = { passed: 0, failed: unhandledErrors, skipped: 0 };
  for (const m of modules) {
    const moduleFailed = m.state() === "failed";
    let tests = 0;
    for (const t of m.children.allTests()) {
      tests++;
      const state = t.result().state;
      if (state === "passed") c.passed++;
      else if (state === "failed" || moduleFailed) c.failed++;
      else c.skipped++;
    }
    if (moduleFailed && tests === 0) c.failed++;
  }
  const reported = new Set(modules.map((m) => m.moduleId));
  c.failed += planned.filter((id) => !reported.has(id)).length;
  return c;
}

export const summaryLine = (c: Counts): string =>
  `tests: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, that CI systems and
 * scripts can read without parsing vitest's coloured summary.
 */
export default class SummaryReporter implements Reporter {
  private planned: string[] = [];

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.planned = specifications.map((s) => s.moduleId);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const c = countResults(this.planned, modules, unhandledErrors.length);
    process.stdout.write(`\n${summaryLine(c)}\n`);
    // vitest exits 0 when globalSetup throws before any file ran; a red line must mean a red exit.
    if (c.failed > 0) process.exitCode = 1;
  }
}
