/**
 * The `alerts` view: every alert table of the specs in one shape, so the CLI, the dashboard and BI
 * tools list every kind together. Derived from the schema (each alert table carries the roles of
 * its columns, `SchemaTable.alert`), so a new alert spec joins the view through the next generated
 * migration, with no hand-written SQL.
 *
 *   kind, window_start, window_end, topic, severity,
 *   dimension, entity (a trend alert's dimension names and values; NULL for a per-topic alert),
 *   measure (the column the baseline is over), value (it, in the window),
 *   baseline_mean, baseline_sd, baseline_windows, threshold and rule (the bound it crossed),
 *   every other column of every alert (NULL for the kinds without it), computed_at
 */
import { usageError } from "../../runtime/errors/index.ts";
import { KEY, type OutputColumn } from "../compile/index.ts";
import { ALERT_BOUND_COLUMNS, type AlertSpec, baselineDimensions } from "../spec/alert-kind.ts";
import { lit, q } from "./pg-quote.ts";

export const ALERTS_VIEW = "alerts";

/** Which of an alert table's columns play the view's parts (null: the alert has no such column). */
export interface AlertRoles {
  /** The baseline metric's column the alert watches. */
  readonly measure: string;
  readonly value: string | null;
  readonly mean: string | null;
  readonly sd: string | null;
  readonly count: string | null;
  /**
   * The dimensions of the baseline's metric (a trend alert's entity), in key order; absent in the
   * schemas of migrations generated before trend alerts (none).
   */
  readonly dimensions?: readonly string[];
}

/** The roles of an alert spec's columns: found from their expressions, not from their names. */
export function alertRoles(spec: AlertSpec): AlertRoles {
  const entries = Object.entries(spec.columns);
  const find = (test: (v: AlertSpec["columns"][string]) => boolean) =>
    entries.find(([, v]) => test(v))?.[0] ?? null;
  const stat = (s: "mean" | "sd" | "count") => find((v) => v.op === "baseline" && v.stat === s);
  return {
    measure: spec.baseline.column,
    value: find((v) => v.op === "current" && v.column === spec.baseline.column),
    mean: stat("mean"),
    sd: stat("sd"),
    count: stat("count"),
    dimensions: baselineDimensions(spec.baseline),
  };
}

/** What the view needs of a result table. */
export interface ViewSource {
  readonly name: string;
  readonly columns: readonly OutputColumn[];
  readonly alert?: AlertRoles;
}

/** A column of the view that only some kinds have (NULL in the rows of the others). */
export interface OwnColumn extends OutputColumn {
  /** The alert tables that have it, in job order. */
  readonly kinds: readonly string[];
}

export interface AlertsView {
  /** The tables it reads, in job order. */
  readonly reads: readonly string[];
  readonly columns: readonly OutputColumn[];
  /** Its columns that are not every kind's (the key, measure, value, baseline and computed_at are). */
  readonly own: readonly OwnColumn[];
  readonly statements: readonly string[];
}

/** A row of the view: its window and topic (the results' KEY), then its severity. */
const VIEW_KEY: readonly string[] = [...KEY, "severity"];
/** Between the values (and the names) of an entity with several dimensions. */
const ENTITY_SEPARATOR = " / ";
const ROLES = [
  ["value", "double precision"],
  ["mean", "double precision"],
  ["sd", "double precision"],
  ["count", "integer"],
] as const;
const ROLE_COLUMN = {
  value: "value",
  mean: "baseline_mean",
  sd: "baseline_sd",
  count: "baseline_windows",
} as const;

/** The view over `tables`' alert tables; undefined when there are none. */
export function alertsViewOf(tables: readonly ViewSource[]): AlertsView | undefined {
  const alerts = tables.filter((t): t is ViewSource & { alert: AlertRoles } => t.alert !== undefined);
  if (alerts.length === 0) return undefined;
  const column = (t: ViewSource, name: string | null) => t.columns.find((c) => c.name === name);
  // A migration generated before trend alerts keeps the view it printed then: these columns join
  // the view from the schema that first has them (entities, and the bound every alert stores).
  const entities = alerts.every((t) => t.alert.dimensions !== undefined);
  const bounds = alerts.every((t) => ALERT_BOUND_COLUMNS.every((k) => column(t, k)));
  const boundColumns = bounds ? ALERT_BOUND_COLUMNS : [];
  const taken = (t: ViewSource & { alert: AlertRoles }) =>
    new Set<string>([
      ...VIEW_KEY,
      ...boundColumns,
      ...(t.alert.dimensions ?? []),
      ...ROLES.map(([r]) => t.alert[r]).filter((c): c is string => c !== null),
    ]);
  // Every other column of every alert, in job order; one name must mean one type.
  const own: (OutputColumn & { kinds: string[] })[] = [];
  for (const t of alerts) {
    const skip = taken(t);
    for (const c of t.columns) {
      if (skip.has(c.name)) continue;
      const seen = own.find((o) => o.name === c.name);
      if (seen && seen.type !== c.type)
        throw usageError(
          `the alerts view cannot hold column ${c.name}: it is ${seen.type} in one alert and ${c.type} in ${t.name}`,
          `rename it in one of the two alert specs`,
        );
      if (seen) seen.kinds.push(t.name);
      else own.push({ name: c.name, type: c.type, nullable: true, kinds: [t.name] });
    }
  }
  const columns: OutputColumn[] = [
    { name: "kind", type: "text", nullable: false, values: alerts.map((t) => t.name) },
    // The key and severity are every alert table's first columns, the same in each.
    ...VIEW_KEY.map((k) => column(alerts[0]!, k)!),
    ...(entities ? ["dimension", "entity"] : []).map((name) => ({
      name,
      type: "text" as const,
      nullable: alerts.some((t) => (t.alert.dimensions ?? []).length === 0),
    })),
    { name: "measure", type: "text", nullable: false },
    ...ROLES.map(([role, type]) => ({
      name: ROLE_COLUMN[role],
      type,
      nullable: alerts.some((t) => column(t, t.alert[role])?.nullable !== false),
    })),
    // Every alert table stores them (compile/alert.ts), the same in each.
    ...boundColumns.map((k) => column(alerts[0]!, k)!),
    ...own.map(({ kinds: _, ...c }) => c),
    { name: "computed_at", type: "timestamptz", nullable: false },
  ];
  const selects = alerts.map((t) => {
    const has = new Set(t.columns.map((c) => c.name));
    const items = [
      `${lit(t.name)}::text as "kind"`,
      ...VIEW_KEY.map(q),
      ...(entities ? entityItems(t.alert.dimensions ?? []) : []),
      `${lit(t.alert.measure)}::text as "measure"`,
      ...ROLES.map(([role, type]) => {
        const c = t.alert[role];
        return `${c === null ? "null" : q(c)}::${type} as ${q(ROLE_COLUMN[role])}`;
      }),
      ...boundColumns.map(q),
      ...own.map((c) => (has.has(c.name) ? q(c.name) : `null::${c.type} as ${q(c.name)}`)),
      `"computed_at"`,
    ];
    return `select\n      ${items.join(",\n      ")}\n    from ${q(t.name)}`;
  });
  const comment =
    `Every alert, one row per (kind, window, topic${entities ? ", entity" : ""}): kind = the alert table, ${entities ? "dimension and entity = the dimension names and values of a trend alert (NULL for a per-topic one), " : ""}measure = the column its baseline is over ` +
    `and value = that column in the window, its baseline, ${bounds ? "threshold and rule = the bound its severity crossed, " : ""}then each kind's own columns (${own.map((c) => c.name).join(", ")}), NULL for the other kinds. Generated by trends sparkgen from the alert specs.`;
  return {
    reads: alerts.map((t) => t.name),
    columns,
    own,
    statements: [
      `create view ${q(ALERTS_VIEW)} as\n    ${selects.join("\n    union all\n    ")}`,
      `comment on view ${q(ALERTS_VIEW)} is ${lit(comment)}`,
    ],
  };
}

/** `dimension` and `entity`: a trend alert's dimension names and values (several joined), else NULL. */
function entityItems(dimensions: readonly string[]): string[] {
  if (dimensions.length === 0) return [`null::text as "dimension"`, `null::text as "entity"`];
  const values = dimensions.map((d) => `${q(d)}::text`);
  return [
    `${lit(dimensions.join(ENTITY_SEPARATOR))}::text as "dimension"`,
    `${values.length === 1 ? values[0] : `concat_ws(${lit(ENTITY_SEPARATOR)}, ${values.join(", ")})`} as "entity"`,
  ];
}
