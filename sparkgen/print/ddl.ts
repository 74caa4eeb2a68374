/**
 * The PostgreSQL DDL of the result tables, from the specs. `schemaOf(model)` is the spec-derived
 * schema; `sql/migrations/generated/schema.json` keeps it as of every generated migration (the
 * first step is the schema the hand-written migrations 0001–0005 built). When the specs differ
 * from the last step, the next migration is the diff of the two (`diffSchemas`).
 */
import type { CompiledJob, OutputColumn } from "../compile/index.ts";
import type { ResultType } from "../spec/dsl.ts";
import { ALERTS_VIEW, type AlertRoles, alertRoles, alertsViewOf } from "./alerts-view.ts";
import { lit, q } from "./pg-quote.ts";

/** One result table as the DDL sees it (`computed_at` is implicit: every table has it). */
export interface SchemaTable {
  readonly name: string;
  readonly source: string;
  readonly columns: readonly OutputColumn[];
  readonly primaryKey: readonly string[];
  /** An alert table: which of its columns are the `alerts` view's measure and baseline. */
  readonly alert?: AlertRoles;
}

/** The schema after one migration: `generated` false for the hand-written baseline. */
export interface SchemaStep {
  readonly migration: string;
  readonly generated: boolean;
  readonly tables: readonly SchemaTable[];
}

export interface SchemaHistory {
  readonly version: 1;
  readonly steps: readonly SchemaStep[];
}

/** The result tables of the compiled job, in job order; plain data, as the history file stores it. */
export function schemaOf(model: CompiledJob): SchemaTable[] {
  return model.metrics.map(({ spec, columns, key }) => ({
    name: spec.name,
    source: spec.source,
    columns: columns.map(plainColumn),
    primaryKey: [...key],
    ...(spec.kind === "alert" ? { alert: alertRoles(spec) } : {}),
  }));
}

/** A column as plain data in a fixed key order, so schemas compare as JSON. */
export function plainColumn(c: OutputColumn): OutputColumn {
  return {
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    ...(c.min === undefined ? {} : { min: c.min }),
    ...(c.max === undefined ? {} : { max: c.max }),
    ...(c.values === undefined ? {} : { values: [...c.values] }),
    ...(c.atMost === undefined ? {} : { atMost: c.atMost }),
  };
}

/** One difference between the schema of the migrations and that of the specs, for `--check`. */
export interface SchemaChange {
  readonly source: string;
  readonly table: string;
  readonly column?: string;
  readonly what: string;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function columnDdl(c: OutputColumn): string {
  return `${q(c.name)} ${c.type}${c.nullable ? "" : " not null"}`;
}

/** The CHECKs a table's columns imply, by constraint name (named like migration 0001's). */
export function checksOf(t: SchemaTable): Map<string, string> {
  const out = new Map<string, string>([[`${t.name}_window`, `"window_end" > "window_start"`]]);
  for (const c of t.columns) {
    const min = c.min ?? (c.name === "rank" && c.type === "integer" ? 1 : undefined);
    const col = q(c.name);
    let check: string | undefined;
    if (c.values !== undefined) check = `${col} in (${c.values.map(lit).join(", ")})`;
    else if (min !== undefined && c.max !== undefined) check = `${col} between ${min} and ${c.max}`;
    else if (min !== undefined) check = `${col} >= ${min}`;
    else if (c.max !== undefined) check = `${col} <= ${c.max}`;
    if (c.atMost !== undefined) {
      const le = `${col} <= ${q(c.atMost)}`;
      check = check === undefined ? le : `${check} and ${le}`;
    }
    if (check !== undefined) out.set(`${t.name}_${c.name}`, check);
  }
  return out;
}

/** A zero of the column's type: what rows written before a NOT NULL column existed get. */
const ZERO: Record<ResultType, string> = {
  bigint: "0",
  integer: "0",
  "double precision": "0",
  text: "''",
  timestamptz: "'epoch'",
  boolean: "false",
};

function createTable(t: SchemaTable): string[] {
  const lines = [
    ...t.columns.map(columnDdl),
    `"computed_at" timestamptz not null default now()`,
    `constraint ${q(`${t.name}_pkey`)} primary key (${t.primaryKey.map(q).join(", ")})`,
    ...[...checksOf(t)].map(([name, check]) => `constraint ${q(name)} check (${check})`),
  ];
  return [
    `create table ${q(t.name)} (\n  ${lines.join(",\n  ")}\n)`,
    // Every reader filters one topic over a range of windows.
    `create index ${q(`${t.name}_topic_start_idx`)} on ${q(t.name)} ("topic", "window_start")`,
  ];
}

function addColumn(table: string, c: OutputColumn): string[] {
  if (c.nullable) return [`alter table ${q(table)} add column ${columnDdl(c)}`];
  // Rows of windows computed before the column existed get the type's zero; rerun those windows
  // for real values. The default is dropped at once, so every step must write the column.
  return [
    `alter table ${q(table)} add column ${columnDdl(c)} default ${ZERO[c.type]}`,
    `alter table ${q(table)} alter column ${q(c.name)} drop default`,
  ];
}

/** Statements that turn one table into another (same name). */
function alterTable(from: SchemaTable, to: SchemaTable): string[] {
  const t = q(to.name);
  const out: string[] = [];
  const before = checksOf(from);
  const after = checksOf(to);
  const changedChecks = [...before].filter(([n, c]) => after.get(n) !== c).map(([n]) => n);
  for (const n of changedChecks) out.push(`alter table ${t} drop constraint ${q(n)}`);
  const pkChanged = !sameJson(from.primaryKey, to.primaryKey);
  if (pkChanged) out.push(`alter table ${t} drop constraint ${q(`${to.name}_pkey`)}`);
  const old = new Map(from.columns.map((c) => [c.name, c]));
  const next = new Map(to.columns.map((c) => [c.name, c]));
  for (const c of from.columns) if (!next.has(c.name)) out.push(`alter table ${t} drop column ${q(c.name)}`);
  for (const c of to.columns) {
    const o = old.get(c.name);
    if (o === undefined) {
      out.push(...addColumn(to.name, c));
      continue;
    }
    if (o.type !== c.type)
      out.push(`alter table ${t} alter column ${q(c.name)} type ${c.type} using ${q(c.name)}::${c.type}`);
    if (o.nullable !== c.nullable)
      out.push(`alter table ${t} alter column ${q(c.name)} ${c.nullable ? "drop" : "set"} not null`);
  }
  if (pkChanged)
    out.push(
      `alter table ${t} add constraint ${q(`${to.name}_pkey`)} primary key (${to.primaryKey.map(q).join(", ")})`,
    );
  for (const [n, c] of after)
    if (before.get(n) !== c) out.push(`alter table ${t} add constraint ${q(n)} check (${c})`);
  return out;
}

/**
 * The statements that take the database from schema `from` to schema `to`. The `alerts` view is
 * dropped first and created last when it or a table it reads changes: PostgreSQL refuses to drop
 * or retype a column a view reads. (`if exists`: the hand-written migration 0009 made the first one.)
 */
export function diffSchemas(from: readonly SchemaTable[], to: readonly SchemaTable[]): string[] {
  const old = new Map(from.map((t) => [t.name, t]));
  const next = new Map(to.map((t) => [t.name, t]));
  const out: string[] = [];
  for (const t of to) {
    const o = old.get(t.name);
    out.push(...(o === undefined ? createTable(t) : alterTable(o, t)));
  }
  for (const t of [...from].reverse()) if (!next.has(t.name)) out.push(`drop table ${q(t.name)}`);
  const before = alertsViewOf(from);
  const after = alertsViewOf(to);
  const readChanged = (before?.reads ?? []).some((n) => !sameJson(old.get(n), next.get(n)));
  if (!readChanged && sameJson(before?.statements, after?.statements)) return out;
  return [`drop view if exists ${q(ALERTS_VIEW)}`, ...out, ...(after?.statements ?? [])];
}

/** What the specs change against the last migrated schema: one line each for `--check`. */
export function schemaChanges(from: readonly SchemaTable[], to: readonly SchemaTable[]): SchemaChange[] {
  const old = new Map(from.map((t) => [t.name, t]));
  const out: SchemaChange[] = [];
  for (const t of to) {
    const o = old.get(t.name);
    const add = (what: string, column?: string) =>
      out.push({ source: t.source, table: t.name, ...(column === undefined ? {} : { column }), what });
    if (o === undefined) {
      add(`new table ${t.name} (${t.columns.map((c) => c.name).join(", ")})`);
      continue;
    }
    const oc = new Map(o.columns.map((c) => [c.name, c]));
    for (const c of t.columns) {
      const p = oc.get(c.name);
      oc.delete(c.name);
      if (p === undefined) add(`new column ${t.name}.${c.name} (${c.type})`, c.name);
      else if (!sameJson(p, c))
        add(`column ${t.name}.${c.name} changed (${describe(p)} → ${describe(c)})`, c.name);
    }
    for (const c of oc.keys()) add(`column ${t.name}.${c} removed`, c);
    if (!sameJson(o.primaryKey, t.primaryKey))
      add(`primary key of ${t.name} changed to (${t.primaryKey.join(", ")})`);
    if (!sameJson(o.alert, t.alert))
      out.push({
        source: t.source,
        table: ALERTS_VIEW,
        what: `the alerts view's columns of ${t.name} changed`,
      });
  }
  const next = new Set(to.map((t) => t.name));
  for (const t of from)
    if (!next.has(t.name)) out.push({ source: t.source, table: t.name, what: `table ${t.name} removed` });
  return out;
}

const describe = (c: OutputColumn): string =>
  [
    c.type,
    c.nullable ? "null" : "not null",
    ...(c.values ? [`in ${c.values.join("|")}`] : []),
    ...(c.min !== undefined ? [`≥ ${c.min}`] : []),
    ...(c.max !== undefined ? [`≤ ${c.max}`] : []),
  ].join(" ");

/** The name of a generated migration: the next free number and what it is about. */
export function migrationName(
  number: number,
  from: readonly SchemaTable[],
  to: readonly SchemaTable[],
): string {
  const changed = schemaChanges(from, to);
  const tables = [...new Set(changed.map((c) => c.table))];
  const about = tables.length === 1 ? tables[0]! : `${tables.length}_tables`;
  return `${String(number).padStart(4, "0")}_spec_${about}`.slice(0, 60);
}

const HEADER = (sources: readonly string[]) =>
  `// Generated by \`trends sparkgen\` from ${sources.join(", ")}: do not edit; change the spec and regenerate.`;

/** A statement as a TypeScript template literal: multi-line DDL reads as in the hand-written migrations. */
const template = (s: string): string =>
  `\`${s.replaceAll("\\", "\\\\").replaceAll("`", "\\`").replaceAll("${", "\\${")}\``;

/** A generated migration module (same shape as the hand-written ones: statements run in order). */
export function printMigration(from: readonly SchemaTable[], to: readonly SchemaTable[]): string {
  const sources = [...new Set(schemaChanges(from, to).map((c) => c.source))].sort();
  const list = (statements: readonly string[]) =>
    statements.length === 0 ? "[]" : `[\n${statements.map((s) => `  ${template(s)},`).join("\n")}\n]`;
  return `${HEADER(sources)}
import type { Kysely } from "kysely";
import { runStatements } from "../run.ts";

const up: readonly string[] = ${list(diffSchemas(from, to))};

const down: readonly string[] = ${list(diffSchemas(to, from))};

export const migration = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, down),
};
`;
}

/** The generated migrations' index: one static import each (no directory scan at run time). */
export function printMigrationIndex(history: SchemaHistory): string {
  const generated = history.steps.filter((s) => s.generated);
  const ident = (name: string) => `m${name.slice(0, 4)}`;
  const imports = generated.map(
    (s) => `import { migration as ${ident(s.migration)} } from "./${s.migration}.ts";\n`,
  );
  const entries = generated.map((s) => `  ${JSON.stringify(s.migration)}: ${ident(s.migration)},\n`);
  return `${HEADER(["the specs (sql/migrations/generated/schema.json)"])}
import type { Migration } from "kysely";
${imports.join("")}
/** Every migration \`trends sparkgen\` wrote from a spec change, by name. */
export const GENERATED_MIGRATIONS: Record<string, Migration> = {${entries.length ? `\n${entries.join("")}` : ""}};
`;
}

/** The history file: JSON with one column per line, so a spec change reads as a short diff. */
export function printHistory(history: SchemaHistory): string {
  const text = JSON.stringify(
    {
      generated:
        "by `trends sparkgen`: the result-table schema after each migration; do not edit, change the specs and regenerate",
      ...history,
    },
    (_k, v: unknown) =>
      // Columns and keys as placeholders, expanded below on one line each.
      v !== null && typeof v === "object" && !Array.isArray(v) && "type" in v && "nullable" in v
        ? `\u0000${JSON.stringify(v)}`
        : v,
    2,
  );
  return `${text.replace(/"\\u0000((?:[^"\\]|\\.)*)"/g, (_m, inner: string) => JSON.parse(`"${inner}"`))}\n`;
}
