import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { usageError } from "../../runtime/errors/index.ts";
import { terminalSafe } from "../../runtime/terminal/index.ts";
import { SPECS_DIR } from "../../sparkgen/index.ts";
import { SPEC_NAME, scaffoldSpec, specFileOf } from "../../sparkgen/testing/index.ts";

export const sparkgenNew: CommandModule<object, { name: string }> = {
  command: "new <name>",
  describe: "scaffold a metric spec with one test case in sparkgen/specs/",
  builder: (y) =>
    y
      .positional("name", {
        type: "string",
        demandOption: true,
        describe: "the metric's table name, lower_snake_case",
      })
      .example("$0 sparkgen new language_reach", "writes sparkgen/specs/language-reach.ts"),
  handler: (argv) => {
    const name = String(argv.name);
    if (!SPEC_NAME.test(name))
      throw usageError(
        `${JSON.stringify(terminalSafe(name))} is not a metric name`,
        "use lower_snake_case: a letter, then letters, digits or _ (at most 63)",
      );
    const file = join(SPECS_DIR, specFileOf(name));
    if (existsSync(file))
      throw usageError(`sparkgen/specs/${specFileOf(name)} exists`, "choose another name or edit that file");
    writeFileSync(file, scaffoldSpec(name), { flag: "wx" });
    process.stdout.write(
      `wrote sparkgen/specs/${specFileOf(name)}\nnext: npx trends sparkgen && npx trends sparkgen test ${name}\n`,
    );
  },
};
