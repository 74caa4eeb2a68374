/**
 * The sql stage: PostgreSQL result tables, their migrations, the Kysely `Database` type and the
 * typed queries every reader (CLI, dashboard) uses. Other stages import only this file.
 */
export { METRIC_TABLES, type MetricTable, RESULT_COLUMNS } from "./columns.ts";
export { type OpenDbOptions, openDb } from "./connection.ts";
export type * from "./database.ts";
export { ALERT_TABLES, RUN_STATUSES, RUNNERS } from "./database.ts";
export { explainDatabaseError } from "./errors.ts";
export { ALERT_OWN_COLUMNS, DEFAULT_LIMIT, RESULT_TABLES } from "./generated/tables.ts";
export { type MigrationState, migrateToLatest, migrationStatus } from "./migrate.ts";
export { LIVE_TABLES, MIGRATIONS, VIEW_NAMES } from "./migrations/index.ts";
export { assertNoNul } from "./nul.ts";
export * from "./queries/index.ts";
export {
  grantReadonly,
  type ReadonlyRoleOptions,
  type ReadonlyRoleResult,
  writableResultTables,
} from "./readonly.ts";
export { dbOptionsFrom, withResultsDb } from "./session.ts";
