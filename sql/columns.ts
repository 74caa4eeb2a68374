import type { Database } from "./database.ts";
import { METRIC_TABLES, RESULT_TABLES } from "./generated/tables.ts";

/** PostgreSQL types as `information_schema.columns.data_type` spells them. */
export type PgType =
  | "timestamp with time zone"
  | "text"
  | "bigint"
  | "double precision"
  | "integer"
  | "boolean"
  | "jsonb";

export interface ColumnSpec {
  readonly type: PgType;
  readonly nullable: boolean;
}

const ts = { type: "timestamp with time zone", nullable: false } as const;
const textNull = { type: "text", nullable: true } as const;
const big = { type: "bigint", nullable: false } as const;
const bigNull = { type: "bigint", nullable: true } as const;
const int = { type: "integer", nullable: false } as const;
const intNull = { type: "integer", nullable: true } as const;
const text = { type: "text", nullable: false } as const;

const resultColumns = Object.fromEntries(
  Object.entries(RESULT_TABLES).map(([name, t]) => [name, t.columns]),
) as { [T in keyof typeof RESULT_TABLES]: (typeof RESULT_TABLES)[T]["columns"] };

/**
 * The result-table contract as data: what the migrations create and what the Kysely `Database`
 * type declares (checked below at compile time). The metric tables' columns are generated from the
 * specs (sql/generated/tables.ts, `trends sparkgen`); `pipeline_run` is the runner's own table.
 * test/sql/columns.test.ts compares all of them with the migrated schema, naming any column that differs.
 */
export const RESULT_COLUMNS = {
  ...resultColumns,
  pipeline_run: {
    id: big,
    window_start: ts,
    window_end: ts,
    attempt: int,
    status: text,
    runner: text,
    step_id: textNull,
    input_objects: intNull,
    input_fingerprint: textNull,
    rows_read: bigNull,
    bad_records: bigNull,
    duplicates: bigNull,
    started_at: ts,
    finished_at: { type: "timestamp with time zone", nullable: true },
    error: textNull,
    artifacts_uri: textNull,
    owner: textNull,
    sql_hashes: { type: "jsonb", nullable: true },
  },
} as const satisfies Record<keyof Database, Record<string, ColumnSpec>>;

export { METRIC_TABLES };
export type MetricTable = (typeof METRIC_TABLES)[number];

// Compile-time: the Kysely interface and the column list name exactly the same columns.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ColumnsAgree = {
  [T in keyof Database]: Same<keyof Database[T], keyof (typeof RESULT_COLUMNS)[T]>;
};
// A union of the per-table answers: `true` only when every table agrees (a new table needs no line here).
const columnsAgree: ColumnsAgree[keyof ColumnsAgree] extends true ? true : never = true;
void columnsAgree;
