import type { Kysely } from "kysely";
import { runStatements } from "./run.ts";

/** Window steps can also run as EMR Serverless job runs; `pipeline_run.runner` records which. */
const up = [
  "alter table pipeline_run drop constraint pipeline_run_runner",
  "alter table pipeline_run add constraint pipeline_run_runner check (runner in ('local', 'emr', 'emr-serverless'))",
];

const down = [
  "alter table pipeline_run drop constraint pipeline_run_runner",
  "alter table pipeline_run add constraint pipeline_run_runner check (runner in ('local', 'emr'))",
];

export const runnerEmrServerless = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
