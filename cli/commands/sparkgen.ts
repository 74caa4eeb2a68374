import { rmSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { ExitCode } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import {
  compileJob,
  driftLine,
  generate,
  REPO_ROOT,
  schemaDrift,
  staleFiles,
  uncommittedMigration,
  writeGenerated,
} from "../../sparkgen/index.ts";
import { settingsFrom } from "../context.ts";
import { sparkgenNew } from "./sparkgen-new.ts";
import { sparkgenLineage, sparkgenPlan } from "./sparkgen-plan.ts";
import { sparkgenTest } from "./sparkgen-test.ts";
import { checkedJob, specsOption } from "./specs.ts";

export const sparkgen: CommandModule<object, { check?: boolean; json?: boolean; specs?: string }> = {
  command: "sparkgen",
  describe: "regenerate the Spark SQL and PySpark steps in sparkgen/generated/ from the specs",
  builder: (y) =>
    y
      .option("check", {
        type: "boolean",
        default: false,
        describe: "write nothing; exit 4 naming the generated files that are stale (CI runs this)",
      })
      .option("json", { type: "boolean", describe: "print the affected files as JSON" })
      .option("specs", specsOption)
      .command(sparkgenPlan)
      .command(sparkgenLineage)
      .command(sparkgenTest)
      .command(sparkgenNew)
      .epilog(
        "Change a metric: edit its spec in sparkgen/specs/, run `trends sparkgen`, review the SQL diff, run the tests. " +
          "Every problem of the specs (type errors and validation alike) is listed as file:line, exit 2.",
      ),
  handler: async (argv) => {
    settingsFrom(argv);
    const job = await checkedJob(argv.specs);
    // Before generate(): a spec change no migration covers yet is named by spec file and column.
    const drift = argv.check ? schemaDrift(compileJob(job), REPO_ROOT) : [];
    const files = generate(job);
    if (argv.check) {
      const stale = staleFiles(files);
      if (argv.json) process.stdout.write(`${JSON.stringify({ stale, uncovered: drift }, null, 2)}\n`);
      else if (stale.length === 0)
        process.stdout.write(`sparkgen: ${files.length} generated files are up to date\n`);
      else {
        for (const d of drift) process.stdout.write(`${driftLine(d)}\n`);
        process.stdout.write(
          `sparkgen: stale generated files (run \`npx trends sparkgen\` and commit them):\n`,
        );
        for (const f of stale) process.stdout.write(`  ${f}\n`);
      }
      if (stale.length) process.exitCode = ExitCode.CheckFailed;
      return;
    }
    const written = writeGenerated(files);
    // A migration generated since HEAD and no longer generated was an experiment's: it goes.
    const removed = staleFiles(files).filter((f) => uncommittedMigration(REPO_ROOT, f));
    for (const f of removed) rmSync(join(REPO_ROOT, f));
    const leftovers = staleFiles(files);
    for (const f of leftovers) log().warn({ file: f }, "no spec generates this file any more: delete it");
    if (argv.json) process.stdout.write(`${JSON.stringify({ written, removed, leftovers }, null, 2)}\n`);
    else if (written.length === 0 && removed.length === 0)
      process.stdout.write(`sparkgen: ${files.length} generated files already up to date\n`);
    else {
      for (const f of written) process.stdout.write(`wrote ${f}\n`);
      for (const f of removed) process.stdout.write(`removed ${f}\n`);
    }
  },
};
