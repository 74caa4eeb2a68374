import type { ColumnType } from "kysely";

/**
 * How result columns read and write through Kysely (the generated table interfaces in
 * sql/generated/tables.ts use these). `timestamptz` columns read as `Date` and accept a `Date` or an
 * ISO string; `bigint` columns read as `number` (`openDb` installs an int8 parser: counts stay far
 * below 2^53).
 */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** `computed_at`: set by the database on insert unless given. */
export type ComputedAt = ColumnType<Date, Date | string | undefined, Date | string>;
