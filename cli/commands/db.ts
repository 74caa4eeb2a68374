import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import type { CommandModule } from "yargs";
import { usageError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { grantReadonly, migrateToLatest, migrationStatus, withResultsDb } from "../../sql/index.ts";
import { settingsFrom } from "../context.ts";

const PASSWORD_ENV = "TRENDS_READONLY_PASSWORD";

const migrate: CommandModule<object, { json?: boolean }> = {
  command: "migrate",
  describe: "apply pending migrations (all in one transaction; a no-op when up to date)",
  builder: (y) => y.option("json", { type: "boolean", describe: "print the applied migrations as JSON" }),
  handler: async (a) => {
    const applied = await withResultsDb(settingsFrom(a), migrateToLatest);
    if (a.json) process.stdout.write(`${JSON.stringify({ applied }, null, 2)}\n`);
    else if (applied.length === 0) process.stdout.write("database is up to date\n");
    else process.stdout.write(`applied ${applied.join(", ")}\n`);
  },
};

const status: CommandModule<object, { json?: boolean }> = {
  command: "status",
  describe: "list migrations: applied (with when) or pending",
  builder: (y) => y.option("json", { type: "boolean", describe: "print the migrations as JSON" }),
  handler: async (a) => {
    const states = await withResultsDb(settingsFrom(a), migrationStatus);
    if (a.json) {
      const rows = states.map((m) => ({
        name: m.name,
        applied: m.appliedAt !== undefined,
        appliedAt: m.appliedAt ?? null,
      }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    const width = Math.max(...states.map((m) => m.name.length));
    for (const m of states) {
      const when = m.appliedAt === undefined ? "pending" : `applied ${m.appliedAt.toISOString()}`;
      process.stdout.write(`${m.name.padEnd(width)}  ${when}\n`);
    }
  },
};

const grant: CommandModule<object, { role: string; login?: boolean; json?: boolean }> = {
  command: "grant-readonly",
  describe: `create or update a read-only role for the dashboard and BI tools (SELECT on the result tables and views; with --login, the password comes from ${PASSWORD_ENV} or a prompt)`,
  builder: (y) =>
    y
      .option("role", { type: "string", demandOption: true, describe: "role name, e.g. trends_readonly" })
      .option("login", { type: "boolean", describe: "a role that can log in (needs a password)" })
      .option("json", { type: "boolean", describe: "print the result as JSON" }),
  handler: async (a) => {
    const password = a.login ? await readPassword() : undefined;
    const result = await withResultsDb(
      settingsFrom(a),
      (db) => grantReadonly(db, { role: a.role, ...(password === undefined ? {} : { password }) }),
      { requireMigrated: true },
    );
    log().info({ role: result.role, created: result.created, login: result.login }, "read-only role ready");
    if (a.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else
      process.stdout.write(
        `${result.created ? "created" : "updated"} ${result.login ? "login" : "nologin"} role ${result.role}: SELECT on ${result.granted.join(", ")}\n`,
      );
  },
};

/** The password from the environment, else typed at a terminal without echo; never a flag (shell history). */
async function readPassword(): Promise<string> {
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (!process.stdin.isTTY) {
    throw usageError(
      `--login needs a password and there is no terminal to ask for one`,
      `set ${PASSWORD_ENV} in the environment`,
    );
  }
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  process.stderr.write("password for the read-only role: ");
  try {
    return await new Promise<string>((resolve) => rl.question("", resolve));
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
}

export const db: CommandModule = {
  command: "db",
  describe: "the results database: migrate, status, grant-readonly",
  builder: (y) =>
    y
      .command([migrate, status, grant] as CommandModule[])
      .demandCommand(1, "name a db command: migrate, status or grant-readonly"),
  handler: () => {},
};
