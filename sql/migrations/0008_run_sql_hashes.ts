import type { Kysely } from "kysely";
import { runStatements } from "./run.ts";

/**
 * `pipeline_run.sql_hashes`: per statement of the plan an attempt ran (the two event statements
 * and each metric, by name), the hash of its SQL without comments (sparkgen/changes/hash.ts).
 * `trends sparkgen plan` compares a window's newest succeeded run with the specs to list the
 * windows to recompute; NULL for runs recorded before this column existed.
 */
const up = [
  "alter table pipeline_run add column sql_hashes jsonb",
  `alter table pipeline_run add constraint pipeline_run_sql_hashes check (
    sql_hashes is null or jsonb_typeof(sql_hashes) = 'object'
  )`,
];

const down = ["alter table pipeline_run drop column sql_hashes"];

export const runSqlHashes = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
