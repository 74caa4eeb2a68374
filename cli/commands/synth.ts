import type { CommandModule } from "yargs";
import {
  SYNTH_LIMITS,
  type SynthTruth,
  synthOptionsFrom,
  truthPathFor,
  writeSynthFile,
} from "../../ingest/sources/synth/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { outputFile } from "../../runtime/paths/index.ts";
import { settingsFrom } from "../context.ts";
import { numberOption } from "../flags.ts";

interface SynthArgs {
  tweets: number;
  seed: string;
  start: string;
  minutes: number;
  out: string;
  topics?: string;
  "crisis-at"?: string;
  "crisis-topic"?: string;
  corrupt: number;
  json?: boolean;
}

export const synth: CommandModule<object, SynthArgs> = {
  command: "synth",
  describe: "write a reproducible synthetic X stream (one API v2 message per CRLF line) and its truth",
  builder: (y) =>
    y
      .option("tweets", {
        ...numberOption("--tweets", { min: 1, max: SYNTH_LIMITS.tweets }),
        demandOption: true,
        describe: "valid tweets to write",
      })
      .option("seed", {
        type: "string",
        default: "1",
        describe: "PRNG seed: the same seed gives the same bytes",
      })
      .option("start", {
        type: "string",
        demandOption: true,
        describe: "first created_at, ISO-8601 (e.g. 2026-11-26T04:00:00Z)",
      })
      .option("minutes", {
        ...numberOption("--minutes", { min: 1, max: SYNTH_LIMITS.minutes }),
        default: 60,
        describe: "length of the stream in minutes",
      })
      .option("out", {
        type: "string",
        demandOption: true,
        describe: "payload file; the truth goes to FILE.truth.json",
      })
      .option("topics", {
        type: "string",
        describe: "comma-separated rule tags (default acme,globex,initech)",
      })
      .option("crisis-at", {
        type: "string",
        describe: "from this ISO time, sentiment about one topic turns negative",
      })
      .option("crisis-topic", { type: "string", describe: "the topic in crisis (default the first topic)" })
      .option("corrupt", {
        ...numberOption("--corrupt", { min: 0, max: SYNTH_LIMITS.corrupt }),
        default: 0,
        describe: "also write N malformed lines at seeded places",
      })
      .option("json", { type: "boolean", describe: "print the truth as JSON" })
      .example(
        "$0 synth --tweets 20000 --start 2026-11-26T04:00:00Z --minutes 60 --out /tmp/stream.ndjson",
        "",
      )
      .example(
        "$0 synth --tweets 5000 --start 2026-11-26T04:00:00Z --crisis-at 2026-11-26T04:30:00Z --out s.ndjson",
        "",
      ),
  handler: (argv) => {
    settingsFrom(argv);
    const options = synthOptionsFrom({
      tweets: argv.tweets,
      seed: argv.seed,
      start: argv.start,
      minutes: argv.minutes,
      corrupt: argv.corrupt,
      ...(argv.topics === undefined ? {} : { topics: argv.topics }),
      ...(argv["crisis-at"] === undefined ? {} : { crisisAt: argv["crisis-at"] }),
      ...(argv["crisis-topic"] === undefined ? {} : { crisisTopic: argv["crisis-topic"] }),
    });
    outputFile(argv.out, "--out");
    let truth: SynthTruth;
    try {
      truth = writeSynthFile(options, argv.out);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EACCES" || code === "EISDIR" || code === "ENOTDIR")
        throw usageError(
          `--out ${argv.out} cannot be written (${code})`,
          "name a file in an existing, writable directory",
        );
      throw e;
    }
    log().debug({ out: argv.out }, "synthetic stream written");
    if (argv.json) {
      process.stdout.write(`${JSON.stringify(truth, null, 2)}\n`);
      return;
    }
    const topics = truth.topics.map((t) => `${t} ${truth.counts[t]}`).join(", ");
    process.stdout.write(
      `wrote ${truth.tweets} tweets${truth.corrupted ? ` and ${truth.corrupted} malformed lines` : ""} to ${argv.out}\n` +
        `  ${truth.start} … ${truth.end}; topics: ${topics}\n` +
        (truth.crisis ? `  crisis: ${truth.crisis.topic} from ${truth.crisis.at}\n` : "") +
        `  truth: ${truthPathFor(argv.out)}\n`,
    );
  },
};
