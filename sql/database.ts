import type { ColumnType, Generated, Selectable } from "kysely";
import type { Timestamp } from "./column-types.ts";
import {
  type ALERT_OWN_COLUMNS,
  type AlertsView,
  RESULT_TABLES,
  type ResultTables,
  type SentimentAlertTable,
} from "./generated/tables.ts";

/**
 * The Kysely view of the results database: the result tables, whose interfaces `trends sparkgen`
 * generates from the specs (sql/generated/tables.ts), and `pipeline_run`, the runner's own table.
 * test/sql/columns.test.ts compares both with the migrated schema of a real PostgreSQL.
 */
export type { ComputedAt, Timestamp } from "./column-types.ts";
export type * from "./generated/tables.ts";

export type AlertSeverity = SentimentAlertTable["severity"];

type Tables = typeof RESULT_TABLES;
/** The alert tables (`alerts.kind` names one): the generated tables whose shape is an alert. */
export type AlertKind = {
  [T in keyof Tables]: Tables[T]["shape"]["kind"] extends "alert" ? T : never;
}[keyof Tables];
export const ALERT_TABLES = (Object.keys(RESULT_TABLES) as (keyof Tables)[]).filter(
  (t): t is AlertKind => RESULT_TABLES[t].shape.kind === "alert",
);

/** The columns of the `alerts` view that only some kinds have; the others are every kind's. */
export type AlertOwnColumn = keyof typeof ALERT_OWN_COLUMNS;
/**
 * An alert's own columns by their SQL names: all those its kind has (`ALERT_OWN_COLUMNS[c].kinds`),
 * each as stored, so null only where the stored value is NULL; none of the other kinds' (NULL for
 * it in the view). Each kind's rows have the same keys, for `--json` and `/api/alerts` readers.
 */
export type AlertDetails = Partial<Pick<AlertsView, AlertOwnColumn>>;

export const RUN_STATUSES = [
  "pending",
  "running",
  "succeeded",
  "failed",
  "cancelled",
  "interrupted",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUNNERS = ["local", "emr", "emr-serverless"] as const;
export type Runner = (typeof RUNNERS)[number];

export interface PipelineRunTable {
  id: Generated<number>;
  window_start: Timestamp;
  window_end: Timestamp;
  attempt: number;
  status: RunStatus;
  runner: Runner;
  step_id: string | null;
  input_objects: number | null;
  input_fingerprint: string | null;
  rows_read: number | null;
  bad_records: number | null;
  duplicates: number | null;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  error: string | null;
  artifacts_uri: string | null;
  owner: string | null;
  /** Per statement the attempt ran, its SQL hash (sparkgen/changes); NULL before migration 0008. */
  sql_hashes: ColumnType<
    Readonly<Record<string, string>> | null,
    Readonly<Record<string, string>> | null | undefined,
    Readonly<Record<string, string>> | null
  >;
}

export interface Database extends ResultTables {
  pipeline_run: PipelineRunTable;
}

export type ResultTable = keyof Database;

export type PipelineRun = Selectable<PipelineRunTable>;
