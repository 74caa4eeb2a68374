import type { CommandModule } from "yargs";
import { ExitCode, usageError } from "../../runtime/errors/index.ts";
import { openDatabase } from "../../runtime/postgres/index.ts";
import { ensureSpark } from "../../runtime/spark/index.ts";
import { terminalSafe } from "../../runtime/terminal/index.ts";
import { type CaseResult, runCases } from "../../sparkgen/testing/index.ts";
import { settingsFrom } from "../context.ts";
import { checkedSpecs, specsOption } from "./specs.ts";

/** A compared row (window, then column = value pairs) as one readable line. */
function rowLine(key: string): string {
  const [window, ...pairs] = JSON.parse(key) as [number, ...[string, unknown][]];
  return `window ${window}  ${pairs.map(([c, v]) => `${c}=${JSON.stringify(v)}`).join("  ")}`;
}

function report(r: CaseResult): string[] {
  const ok = r.missing.length === 0 && r.unexpected.length === 0;
  const head = `${ok ? "ok  " : "FAIL"} ${r.spec} › ${r.name}`;
  if (ok) return [head];
  return [
    `${head}  (${r.source})`,
    ...r.missing.map((k) => `       - expected, not stored: ${rowLine(k)}`),
    ...r.unexpected.map((k) => `       + stored, not expected: ${rowLine(k)}`),
  ].map(terminalSafe);
}

export const sparkgenTest: CommandModule<object, { names?: string[]; json: boolean; specs?: string }> = {
  command: "test [names..]",
  describe:
    "run the test cases the specs carry (given events, expect rows) through the generated step, all in one Spark application",
  builder: (y) =>
    y
      .positional("names", {
        type: "string",
        array: true,
        describe: "spec names (default every spec with cases)",
      })
      .option("json", { type: "boolean", default: false, describe: "print the results as JSON" })
      .option("specs", specsOption)
      .example("$0 sparkgen test", "every spec's cases")
      .example("$0 sparkgen test hashtag_window", "one spec's cases"),
  handler: async (argv) => {
    const s = settingsFrom(argv);
    // Errors before Spark: the specs are type-checked and validated first (exit 2 naming each).
    const { job, cases: all } = await checkedSpecs(argv.specs);
    const names = argv.names ?? [];
    for (const n of names)
      if (!all.some((c) => c.spec === n))
        throw usageError(
          `no spec named ${JSON.stringify(terminalSafe(n))} has test cases`,
          `specs with cases: ${all.map((c) => c.spec).join(", ") || "none"}`,
        );
    const cases = names.length > 0 ? all.filter((c) => names.includes(c.spec)) : all;
    const count = cases.reduce((n, c) => n + c.cases.length, 0);
    if (count === 0)
      throw usageError(
        "no test cases to run",
        'add define.cases(…) beside a spec (sparkgen/README.md, "Spec tests")',
      );
    const spark = await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome, install: true });
    const db = await openDatabase(s);
    const started = performance.now();
    try {
      process.stderr.write(
        `sparkgen test: ${count} case${count === 1 ? "" : "s"} of ${cases.length} spec${cases.length === 1 ? "" : "s"}, one Spark application…\n`,
      );
      // Another spec folder (the language's fixtures): its own job, generated for the run.
      const run = await runCases({
        cases,
        spark,
        adminUrl: db.url,
        windowMinutes: argv.specs === undefined ? s.windowMinutes : job.windowMinutes,
        ...(argv.specs === undefined ? {} : { job }),
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (run.failure !== undefined) {
        process.stderr.write(`sparkgen test: the step failed\n${terminalSafe(run.failure)}\n`);
        process.exitCode = ExitCode.Failure;
        return;
      }
      const failed = run.results.filter((r) => r.missing.length > 0 || r.unexpected.length > 0);
      if (argv.json)
        process.stdout.write(`${JSON.stringify({ ...run, seconds: Number(seconds) }, null, 2)}\n`);
      else {
        for (const r of run.results) process.stdout.write(`${report(r).join("\n")}\n`);
        process.stdout.write(
          `sparkgen test: ${run.results.length - failed.length} passed, ${failed.length} failed (${run.events} events, ${run.windows} windows, ${seconds} s)\n`,
        );
      }
      if (failed.length > 0) process.exitCode = ExitCode.Failure;
    } finally {
      await db.release();
    }
  },
};
