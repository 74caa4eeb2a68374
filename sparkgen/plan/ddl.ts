/**
 * The seam to the migration generator: the DDL a plan shows for a new result table or a column
 * change, rendered from `outputColumns` / `primaryKey` only. Deliberately small — the generated
 * migrations (CHECK constraints, indexes) are the migration generator's; at merge this renderer
 * is replaced by a call into it, with the same arguments.
 */
import type { OutputColumn } from "../compile/index.ts";
import type { ColumnChange } from "./diff.ts";

const q = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
const columnDef = (c: OutputColumn) => `${q(c.name)} ${c.type}${c.nullable ? "" : " not null"}`;

/** `create table …` for a new metric: its columns, `computed_at` and the primary key. */
export function renderCreateTable(
  table: string,
  columns: readonly OutputColumn[],
  primaryKey: readonly string[],
): string {
  const lines = [
    ...columns.map(columnDef),
    `${q("computed_at")} timestamptz not null default now()`,
    `constraint ${q(`${table}_pkey`)} primary key (${primaryKey.map(q).join(", ")})`,
  ];
  return `create table ${q(table)} (\n  ${lines.join(",\n  ")}\n);`;
}

/** The `alter table` statements of a column diff, in the diff's order. */
export function renderColumnChanges(table: string, changes: readonly ColumnChange[]): string[] {
  const t = `alter table ${q(table)}`;
  return changes.flatMap((c): string[] => {
    switch (c.change) {
      case "added":
        // A NOT NULL column cannot be added to a table with rows without a value: nullable first,
        // the backfill fills it, then the generator tightens it.
        return [`${t} add column ${q(c.column)} ${c.after!.type};`];
      case "removed":
        return [`${t} drop column ${q(c.column)};`];
      case "renamed":
        return [`${t} rename column ${q(c.from!)} to ${q(c.column)};`];
      case "retyped": {
        const out: string[] = [];
        if (c.before!.type !== c.after!.type)
          out.push(
            `${t} alter column ${q(c.column)} type ${c.after!.type} using ${q(c.column)}::${c.after!.type};`,
          );
        if (c.before!.nullable !== c.after!.nullable)
          out.push(`${t} alter column ${q(c.column)} ${c.after!.nullable ? "drop" : "set"} not null;`);
        return out;
      }
      default:
        return [];
    }
  });
}
