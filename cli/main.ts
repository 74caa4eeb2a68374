import { hideBin } from "yargs/helpers";
import { runCli } from "./program.ts";

process.exitCode = await runCli(hideBin(process.argv));
