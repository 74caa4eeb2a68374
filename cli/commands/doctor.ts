import type { CommandModule } from "yargs";
import { runDoctor } from "../../runtime/doctor/index.ts";
import { ExitCode } from "../../runtime/errors/index.ts";
import { settingsFrom } from "../context.ts";

const MARK = { ok: "✓", fail: "✗", skip: "–" } as const;

export const doctor: CommandModule<object, { json?: boolean }> = {
  command: "doctor",
  describe: "check every prerequisite and print the fix for what is missing",
  builder: (y) => y.option("json", { type: "boolean", describe: "print the checks as JSON" }),
  handler: async (argv) => {
    const results = await runDoctor(settingsFrom(argv));
    if (argv.json) {
      process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    } else {
      const width = Math.max(...results.map((r) => r.name.length));
      for (const r of results) {
        process.stdout.write(`${MARK[r.status]} ${r.name.padEnd(width)}  ${r.detail}\n`);
        if (r.status === "fail" && r.fix) process.stdout.write(`  ${" ".repeat(width)}  fix: ${r.fix}\n`);
      }
    }
    if (results.some((r) => r.status === "fail")) process.exitCode = ExitCode.CheckFailed;
  },
};
