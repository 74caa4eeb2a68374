import yargs from "yargs";
import { ExitCode, usageError } from "../runtime/errors/index.ts";
import { commands } from "./commands/index.ts";
import { globalOptions } from "./context.ts";
import { reportError } from "./errors.ts";
import { refuseDashValues, unwrapFlagError } from "./flags.ts";

/**
 * Runs one `trends` command line and returns its exit code. Built afresh per call and never
 * calling process.exit, so tests can run the CLI in-process (bin/trends.js sets the exit code).
 */
export async function runCli(args: readonly string[]): Promise<number> {
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    refuseDashValues(args);
    await yargs([...args])
      .scriptName("trends")
      .usage(
        "$0 <command> [options]\n\nReal-time social listening: influencers, sentiment, words and alerts.",
      )
      .options(globalOptions)
      .command(commands)
      .demandCommand(1, "name a command; `trends --help` lists them")
      .strict()
      .recommendCommands()
      .help()
      .alias("h", "help")
      .version()
      .exitProcess(false)
      .wrap(Math.min(110, process.stdout.columns ?? 100))
      // yargs' own failures (unknown flag, missing argument) are usage errors: exit 2, one line.
      .fail((msg, err) => {
        throw err
          ? unwrapFlagError(err)
          : usageError(msg ?? "invalid arguments", "see `trends <command> --help`");
      })
      .parseAsync();
    return Number(process.exitCode ?? ExitCode.Ok);
  } catch (e) {
    return reportError(e);
  } finally {
    process.exitCode = previous;
  }
}
