/**
 * The migration a change report shows: the statements `trends sparkgen` generates for the change
 * (`diffSchemas` of print/ddl.ts, the migration generator), from the columns and key as the
 * manifests record them. A rename shows as the generator writes it (drop and add).
 */
import type { OutputColumn } from "../compile/index.ts";
import { diffSchemas, plainColumn, type SchemaTable } from "../print/ddl.ts";

export interface TableShape {
  readonly columns: readonly OutputColumn[];
  readonly primaryKey: readonly string[];
}

const table = (name: string, t: TableShape): SchemaTable => ({
  name,
  source: "",
  columns: t.columns.map(plainColumn),
  primaryKey: [...t.primaryKey],
});

/** `create table …` (with its CHECKs) for a new metric. */
export function renderCreateTable(name: string, t: TableShape): string[] {
  return diffSchemas([], [table(name, t)]);
}

/** The statements that take `name` from `before` to `after` (none when the columns are the same). */
export function renderTableChange(name: string, before: TableShape, after: TableShape): string[] {
  return diffSchemas([table(name, before)], [table(name, after)]);
}
