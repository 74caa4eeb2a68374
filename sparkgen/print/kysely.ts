/**
 * The Kysely table interfaces and the column contract of the result tables, from the specs:
 * `sql/generated/tables.ts`. The sql stage builds its `Database` type, `RESULT_COLUMNS` and the
 * generic readers (`trends query metric`, `/api/metrics/NAME`, the dashboard's panels) on it.
 */
import type { CompiledJob, OutputColumn } from "../compile/index.ts";
import { DEFAULT_LIMIT, DENOMINATOR_SCOPES, DERIVED_OPS, SHAPE_FIELDS } from "../compile/shape.ts";
import { ALERTS_VIEW, alertsViewOf } from "./alerts-view.ts";
import { checksOf, schemaOf } from "./ddl.ts";

export const KYSELY_TABLES = "sql/generated/tables.ts";

/** PostgreSQL's own spelling (`information_schema.columns.data_type`), which the contract uses. */
const PG_TYPE: Record<OutputColumn["type"], string> = {
  timestamptz: "timestamp with time zone",
  text: "text",
  bigint: "bigint",
  integer: "integer",
  "double precision": "double precision",
  boolean: "boolean",
};

const pascal = (name: string): string =>
  name
    .split("_")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");

function tsType(c: OutputColumn): string {
  if (c.type === "timestamptz") return "Timestamp";
  const base =
    c.values !== undefined
      ? c.values.map((v) => JSON.stringify(v)).join(" | ")
      : c.type === "text"
        ? "string"
        : c.type === "boolean"
          ? "boolean"
          : "number";
  return c.nullable ? `${base} | null` : base;
}

const doc = (text: string, indent = ""): string => `${indent}/** ${text.replaceAll("*/", "*\\/")} */\n`;

/**
 * Each result table of the compiled job as data: spec, description, shape, key, columns (with
 * `computed_at`) and CHECKs — what `RESULT_TABLES` of the generated module holds (tests build it
 * for a job of their own).
 */
export function catalogOf(model: CompiledJob) {
  const tables = schemaOf(model);
  return Object.fromEntries(
    tables.map((t, i) => {
      const m = model.metrics[i]!;
      return [
        t.name,
        {
          source: t.source,
          description: m.spec.description,
          shape: m.shape,
          primaryKey: t.primaryKey,
          columns: Object.fromEntries([
            ...t.columns.map((c) => [c.name, { type: PG_TYPE[c.type], nullable: c.nullable }]),
            ["computed_at", { type: PG_TYPE.timestamptz, nullable: false }],
          ]),
          checks: Object.fromEntries(checksOf(t)),
          rollup: Object.fromEntries(m.columns.flatMap((c) => (c.rollup ? [[c.name, c.rollup]] : []))),
        },
      ];
    }),
  );
}

/** `MetricShape` and `DEFAULT_LIMIT` of the generated module, from compile/shape.ts. */
function printShapes(): string {
  const variants = Object.entries(SHAPE_FIELDS).map(
    ([kind, fields]) =>
      `  | { ${[`readonly kind: ${JSON.stringify(kind)}`, ...fields.map((f) => `readonly ${f}: string`)].join("; ")} }\n`,
  );
  return `/**
 * What a reader does with a metric's rows (\`shape\` of \`RESULT_TABLES\`): \`label\` is the column a
 * reader shows, \`by\` the one it ranks by, \`time\` the bucket of a series, \`value\` what it plots.
 */
export type MetricShape =
${variants.join("").trimEnd()};

/**
 * How a reader combines a measure over the windows of a range (\`rollup\` of \`RESULT_TABLES\`):
 * add, take the least or the largest, Σ \`num\` / Σ \`den\` (\`den\` is the row's own, or one value
 * per window and topic, or per window and dimension values across topics, counted once per
 * window), re-derived from the roll-ups of other measures (\`args\`: measure names or a constant,
 * combined by \`op\`; \`/\` is NULL for 0), or not at all (\`why\`: readers show it per window).
 * docs/contracts.md "Roll-up".
 */
export type MetricRollup =
  | { readonly kind: "sum" | "min" | "max" }
  | { readonly kind: "ratio"; readonly num: string; readonly den: string; readonly per: ${DENOMINATOR_SCOPES.map((s) => JSON.stringify(s)).join(" | ")} }
  | { readonly kind: "derived"; readonly op: ${DERIVED_OPS.map((s) => JSON.stringify(s)).join(" | ")}; readonly args: readonly (string | number)[] }
  | { readonly kind: "none"; readonly why: string };

/** How many rows a reader answers by default, by shape (\`--limit\` and \`?limit=\` override it). */
export const DEFAULT_LIMIT = ${JSON.stringify(DEFAULT_LIMIT, null, 2)} as const satisfies Record<MetricShape["kind"], number>;
`;
}

export function printKyselyTables(model: CompiledJob): string {
  const tables = schemaOf(model);
  const interfaces = tables.map((t, i) => {
    const m = model.metrics[i]!.spec;
    const cols = t.columns.map((c) => `  ${c.name}: ${tsType(c)};\n`).join("");
    const n = pascal(t.name);
    return `${doc(`${t.name}: ${m.description} (${t.source})`)}export interface ${n}Table {\n${cols}  computed_at: ComputedAt;\n}\nexport type ${n} = Selectable<${n}Table>;\nexport type New${n} = Insertable<${n}Table>;\n`;
  });
  const catalog = catalogOf(model);
  const view = alertsViewOf(tables);
  // Readers list a row's own columns from ALERT_OWN_COLUMNS, so a new alert spec reaches them.
  const own = Object.fromEntries(
    (view?.own ?? []).map((c) => [c.name, { type: PG_TYPE[c.type], kinds: c.kinds }]),
  );
  const views = view
    ? `${doc(`${ALERTS_VIEW}: every alert of every kind, the generated view (sparkgen/print/alerts-view.ts); a kind's own columns are NULL for the others`)}export interface AlertsView {\n${view.columns.map((c) => `  ${c.name}: ${tsType(c)};\n`).join("")}}

/**
 * The columns of \`${ALERTS_VIEW}\` that are not every kind's: each with its type (as
 * \`information_schema\` spells it) and the kinds that have it. The view's other columns are common.
 */
export const ALERT_OWN_COLUMNS = ${JSON.stringify(own, null, 2)} as const;

/** Views the typed queries read (\`db.withTables<Views>()\`). */\nexport type Views = {\n  ${ALERTS_VIEW}: AlertsView;\n};\n`
    : `/** Views the typed queries read: none without an alert spec. */\nexport type Views = Record<never, never>;\n`;
  return `// Generated by \`trends sparkgen\` from ${model.job.source}: do not edit; change the spec and regenerate.
import type { Insertable, Selectable } from "kysely";
import type { ComputedAt, Timestamp } from "../column-types.ts";

${interfaces.join("\n")}
${views}
${printShapes()}
/** Every result table a spec writes, by name. */
export interface ResultTables {
${tables.map((t) => `  ${t.name}: ${pascal(t.name)}Table;\n`).join("")}}

/**
 * Each result table as data: its spec, what a reader does with it (\`shape\`), key, columns (as
 * \`information_schema\` spells the types) and the CHECKs the generated DDL states.
 */
export const RESULT_TABLES = ${JSON.stringify(catalog, null, 2)} as const;

/** The tables the window step writes, in job order. */
export const METRIC_TABLES = ${JSON.stringify(tables.map((t) => t.name))} as const;
`;
}
