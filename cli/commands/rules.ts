import type { Argv, CommandModule } from "yargs";
import {
  addRules,
  createXClient,
  DEFAULT_RULES_FILE,
  deleteRules,
  type LocalRule,
  listRules,
  RULES_LIMITS,
  type RuleChange,
  RulesFile,
  type StreamRule,
} from "../../ingest/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import { outputFile, writableFile } from "../../runtime/paths/index.ts";
import { MAX_TOPIC_LENGTH, TOPIC_NAME } from "../../sparkgen/index.ts";
import { settingsFrom } from "../context.ts";
import { formatTable, printLines } from "../output.ts";

interface CommonArgs {
  json: boolean;
  "x-api-url"?: string;
  source: "x" | "bluesky";
  "rules-file"?: string;
}

const common = <T>(y: Argv<T>) =>
  y
    .option("json", { type: "boolean", default: false, describe: "print the result as JSON" })
    .option("source", {
      choices: ["x", "bluesky"] as const,
      default: "x" as const,
      describe: "x: the rules on X's servers; bluesky: the local rules applied to Jetstream",
    })
    .option("rules-file", {
      type: "string",
      describe: `bluesky: the local rules file (default ./${DEFAULT_RULES_FILE})`,
    })
    .option("x-api-url", { type: "string", hidden: true, describe: "X API origin (tests, proxies)" });

function client(argv: Record<string, unknown> & CommonArgs) {
  return createXClient({ bearerToken: settingsFrom(argv).xBearerToken, apiUrl: argv["x-api-url"] });
}

/** The local rules file; its path is checked before it is read (list) or changed (add, delete). */
const localFile = (argv: CommonArgs, change: boolean) => {
  const path = argv["rules-file"] ?? DEFAULT_RULES_FILE;
  (change ? writableFile : outputFile)(path, "--rules-file");
  return new RulesFile(path);
};
const asStreamRules = (rules: readonly LocalRule[]): StreamRule[] =>
  rules.map((r) => ({ id: r.id, value: r.value, tag: r.tag }));

/** Local rules change at once; reported in the shape of X's answer so one printer serves both. */
const localChange = (rules: StreamRule[], deleted: number): RuleChange => ({
  rules,
  created: deleted === 0 ? rules.length : 0,
  notCreated: 0,
  deleted,
  notDeleted: 0,
  dryRun: false,
  errors: [],
});

function printRules(rules: readonly StreamRule[]): void {
  if (rules.length === 0) {
    printLines("no stream rules");
    return;
  }
  printLines(
    ...formatTable(rules, [
      ["id", (r) => r.id],
      ["tag", (r) => r.tag ?? ""],
      ["rule", (r) => r.value],
    ]).split("\n"),
  );
}

function printChange(c: RuleChange): void {
  const prefix = c.dryRun ? "dry run (nothing changed): " : "";
  const parts =
    c.deleted + c.notDeleted > 0
      ? `${c.deleted} deleted, ${c.notDeleted} not deleted`
      : `${c.created} created, ${c.notCreated} not created`;
  printLines(
    `${prefix}${parts}`,
    ...c.rules.map((r) => `  ${r.id}  ${r.tag ?? ""}  ${r.value}`),
    ...c.errors.map((e) => `  refused: ${e}`),
  );
}

const list: CommandModule<object, CommonArgs> = {
  command: "list",
  describe: "list the filtered-stream rules (tags are topics)",
  builder: (y) => common(y),
  handler: async (argv) => {
    const rules =
      argv.source === "bluesky"
        ? asStreamRules(localFile(argv, false).list())
        : await listRules(client(argv));
    if (argv.json) process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
    else printRules(rules);
  },
};

const add: CommandModule<object, CommonArgs & { value: string; tag: string; "dry-run": boolean }> = {
  command: "add",
  describe: "add a rule; its tag is the topic its tweets are counted under",
  builder: (y) =>
    common(y)
      .option("value", {
        type: "string",
        demandOption: true,
        describe:
          'X rule syntax, e.g. "acme -is:retweet lang:en"; bluesky: words, "phrases", #tags, -word, lang:xx',
      })
      .option("tag", { type: "string", demandOption: true, describe: "topic name, e.g. acme" })
      .option("dry-run", {
        type: "boolean",
        default: false,
        describe: "let X validate the rule without adding it",
      })
      .example('$0 rules add --value "(acme OR @acme) lang:en" --tag acme', "follow a brand"),
  handler: async (argv) => {
    if (!TOPIC_NAME.test(argv.tag))
      throw usageError(
        `--tag ${JSON.stringify(argv.tag)} is not a topic name`,
        `use 1 to ${MAX_TOPIC_LENGTH} letters, digits, _ or -, e.g. acme`,
      );
    if (argv.value.trim() === "" || argv.value.length > RULES_LIMITS.valueChars)
      throw usageError(
        `--value must be 1 to ${RULES_LIMITS.valueChars.toLocaleString("en-US")} characters`,
        'e.g. --value "acme lang:en"',
      );
    const change =
      argv.source === "bluesky"
        ? localChange(
            argv["dry-run"] ? [] : asStreamRules([localFile(argv, true).add(argv.tag, argv.value)]),
            0,
          )
        : await addRules(client(argv), [{ value: argv.value, tag: argv.tag }], argv["dry-run"]);
    if (argv.json) process.stdout.write(`${JSON.stringify(change, null, 2)}\n`);
    else printChange(change);
    if (change.errors.length > 0) process.exitCode = 1;
  },
};

const del: CommandModule<object, CommonArgs & { ids?: string[]; tag?: string; "dry-run": boolean }> = {
  command: "delete [ids..]",
  describe: "delete rules by id, or every rule of a --tag",
  builder: (y) =>
    common(y)
      .positional("ids", { type: "string", array: true, describe: "rule ids (see `trends rules list`)" })
      .option("tag", { type: "string", describe: "delete every rule with this tag" })
      .option("dry-run", {
        type: "boolean",
        default: false,
        describe: "let X check the deletion without doing it",
      }),
  handler: async (argv) => {
    if (argv.source === "bluesky") {
      const ids = (argv.ids ?? []).map(String);
      if (ids.length === 0 && argv.tag === undefined)
        throw usageError("name the rules to delete", "pass rule ids or --tag TOPIC");
      const gone = asStreamRules(localFile(argv, true).delete(ids, argv.tag));
      if (gone.length === 0)
        throw usageError("no Bluesky rule matches", "see `trends rules list --source bluesky`");
      const change = localChange(gone, gone.length);
      if (argv.json) process.stdout.write(`${JSON.stringify(change, null, 2)}\n`);
      else printChange(change);
      return;
    }
    const x = client(argv);
    let ids = (argv.ids ?? []).map(String);
    if (argv.tag !== undefined) {
      const tagged = (await listRules(x)).filter((r) => r.tag === argv.tag).map((r) => r.id);
      if (tagged.length === 0)
        throw usageError(`no rule has tag ${JSON.stringify(argv.tag)}`, "see `trends rules list`");
      ids = [...ids, ...tagged];
    }
    if (ids.length === 0) throw usageError("name the rules to delete", "pass rule ids or --tag TOPIC");
    const change = await deleteRules(x, ids, argv["dry-run"]);
    if (argv.json) process.stdout.write(`${JSON.stringify(change, null, 2)}\n`);
    else printChange(change);
    if (change.notDeleted > 0) process.exitCode = 1;
  },
};

export const rules: CommandModule = {
  command: "rules <command>",
  describe: "manage the topic rules: X's filtered-stream rules, or the local Bluesky rules (tags are topics)",
  builder: (y) =>
    y.command(list).command(add).command(del).demandCommand(1, "name a subcommand: list, add or delete"),
  handler: () => {},
};
