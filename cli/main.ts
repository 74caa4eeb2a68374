import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { ExitCode, usageError } from "../runtime/errors/index.ts";
import { commands } from "./commands/index.ts";
import { globalOptions } from "./context.ts";
import { reportError } from "./errors.ts";

const cli = yargs(hideBin(process.argv))
  .scriptName("trends")
  .usage("$0 <command> [options]\n\nReal-time social listening: influencers, sentiment, words and alerts.")
  .options(globalOptions)
  .command(commands)
  .demandCommand(1, "name a command; `trends --help` lists them")
  .strict()
  .recommendCommands()
  .help()
  .alias("h", "help")
  .version()
  .wrap(Math.min(110, process.stdout.columns ?? 100))
  // yargs' own failures (unknown flag, missing argument) are usage errors: exit 2, one line.
  .fail((msg, err) => {
    throw err ?? usageError(msg ?? "invalid arguments", "see `trends <command> --help`");
  });

try {
  await cli.parseAsync();
  process.exitCode ??= ExitCode.Ok;
} catch (e) {
  process.exitCode = reportError(e);
}
