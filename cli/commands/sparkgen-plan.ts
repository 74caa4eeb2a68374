import type { CommandModule } from "yargs";
import { verifyStoredWindows } from "../../emr/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import { openDatabase } from "../../runtime/postgres/index.ts";
import {
  changeReport,
  changeReportJson,
  jobLineage,
  type LiveState,
  lineageLine,
  manifestAtRef,
  readLiveState,
  renderMarkdown,
  type Verification,
  workingManifest,
} from "../../sparkgen/changes/index.ts";
import { compileJob } from "../../sparkgen/index.ts";
import { withResultsDb } from "../../sql/index.ts";
import { settingsFrom } from "../context.ts";
import { numberOption } from "../flags.ts";
import { printLines } from "../output.ts";
import { checkedJob, specsOption } from "./specs.ts";

/** `--exit-code`: the plan has a breaking change (a CI job can require a label). */
export const EXIT_BREAKING = 5;

interface PlanArgs {
  specs?: string;
  base?: string;
  database?: string;
  verify: boolean;
  windows: number;
  input?: string;
  json: boolean;
  "exit-code": boolean;
}

export const sparkgenPlan: CommandModule<object, PlanArgs> = {
  command: "plan",
  describe:
    "what the spec changes break: per metric its category and reasons, column changes and DDL, lineage, and the stored windows to recompute",
  builder: (y) =>
    y
      .option("base", {
        type: "string",
        describe: "git ref whose committed generated/manifest.json is the base (default HEAD)",
      })
      .option("database", {
        type: "string",
        describe:
          "results database URL: lists the windows to recompute from pipeline_run; without --base it is the base too (its tables and the SQL its runs used)",
      })
      .option("verify", {
        type: "boolean",
        default: false,
        describe:
          "recompute the newest stored windows with the working tree's step into a scratch database and compare them row for row: a metric changed by its SQL alone whose rows are equal is results-equal, with nothing to recompute",
      })
      .option("windows", {
        ...numberOption("--windows", { min: 1, max: 96 }),
        default: 3,
        describe: "--verify: how many of the newest stored windows to recompute",
      })
      .option("input", {
        type: "string",
        describe:
          "--verify: the raw event tree the stored windows were computed from (DIR, file://DIR or s3://bucket/raw/)",
      })
      .option("json", { type: "boolean", default: false, describe: "print the plan as JSON (CI bots)" })
      .option("specs", specsOption)
      .option("exit-code", {
        type: "boolean",
        default: false,
        describe: `exit ${EXIT_BREAKING} when a change is breaking`,
      })
      .example("$0 sparkgen plan", "the working tree's specs against HEAD, as Markdown for the pull request")
      .example(
        "$0 sparkgen plan --base main --database postgres://trends@db/trends --exit-code",
        "in CI: exit 5 on a breaking change, with the windows to recompute",
      )
      .example(
        "$0 sparkgen plan --verify --input ./raw",
        "an optimisation: recompute the 3 newest stored windows of the local database and compare",
      ),
  handler: async (argv) => {
    const s = settingsFrom(argv);
    const ref = argv.base ?? (argv.database && !argv.verify ? undefined : "HEAD");
    const manifest = ref === undefined ? undefined : manifestAtRef(ref);
    if (argv.database !== undefined && !/^postgres(ql)?:\/\//.test(argv.database))
      throw usageError(
        "--database is not a postgres:// URL",
        "pass --database postgres://user@host:5432/trends",
      );
    const job = await checkedJob(argv.specs);
    const head = workingManifest(job);
    let live: LiveState | undefined;
    let verified: Verification | undefined;
    const readStored = async (url: string) => {
      live = await withResultsDb({ ...s, databaseUrl: url }, readLiveState);
      if (argv.verify)
        verified = await verifyStoredWindows(s, {
          job,
          databaseUrl: url,
          input: argv.input,
          windows: argv.windows,
          onProgress: (line) => process.stderr.write(`${line}\n`),
        });
    };
    if (argv.database !== undefined) await readStored(argv.database);
    else if (argv.verify) {
      // The local results database (started for the command when it is not running).
      const handle = await openDatabase(s);
      try {
        await readStored(handle.url);
      } finally {
        await handle.release();
      }
    }
    const report = changeReport({
      head,
      base: manifest ? { label: ref!, manifest } : { label: "database", live: live! },
      runs: live?.runs,
      verified,
      target: { input: argv.input, database: argv.database !== undefined || s.databaseUrl !== undefined },
    });
    if (argv.json) process.stdout.write(`${JSON.stringify(changeReportJson(report), null, 2)}\n`);
    else printLines(...renderMarkdown(report));
    if (argv["exit-code"] && report.diff.breaking) process.exitCode = EXIT_BREAKING;
  },
};

export const sparkgenLineage: CommandModule<object, { target: string; json: boolean; specs?: string }> = {
  command: "lineage <target>",
  describe:
    "which event columns (and other metrics' columns) feed a metric's result columns, from the compiled SQL",
  builder: (y) =>
    y
      .positional("target", { type: "string", demandOption: true, describe: "METRIC or METRIC.COLUMN" })
      .option("json", { type: "boolean", default: false, describe: "print the lineage as JSON" })
      .option("specs", specsOption)
      .example("$0 sparkgen lineage influencer_window.score", "one column")
      .example("$0 sparkgen lineage sentiment_alert", "every column of a metric"),
  handler: async (argv) => {
    settingsFrom(argv);
    const parts = argv.target.split(".");
    if (parts.length > 2)
      throw usageError(
        `${JSON.stringify(argv.target)} is not METRIC or METRIC.COLUMN`,
        "name one column, e.g. influencer_window.score",
      );
    const [metric = "", column] = parts;
    const all = jobLineage(compileJob(await checkedJob(argv.specs)));
    const cols = all.get(metric);
    if (!cols)
      throw usageError(`no metric ${JSON.stringify(metric)}`, `pick one of ${[...all.keys()].join(", ")}`);
    if (column !== undefined && !cols.columns.has(column))
      throw usageError(
        `${metric} has no column ${JSON.stringify(column)}`,
        `pick one of ${[...cols.columns.keys()].join(", ")}`,
      );
    const picked = [...cols.columns].filter(([c]) => column === undefined || c === column);
    if (argv.json) {
      const doc = Object.fromEntries(
        picked.map(([c, l]) => [
          `${metric}.${c}`,
          { events: l.events, via: l.via, window: l.window, by: l.by },
        ]),
      );
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else printLines(...picked.map(([c, l]) => lineageLine(metric, c, l)));
  },
};
