/**
 * What a reader does with a metric's rows, derived from its spec: the CLI, the API and the
 * dashboard pick their generic view from this, so a new metric needs no hand-written reader.
 * `label` is the dimension column a reader shows, `by` the measure column it ranks by, `time` the
 * bucket column of a series, `value` the measure it plots. Each kind states its shape in its
 * `MetricResult` (compile/kinds.ts `resultShape`).
 *
 * `SHAPE_FIELDS` and `DEFAULT_LIMIT` are printed into `sql/generated/tables.ts` (print/kysely.ts)
 * as `MetricShape` and `DEFAULT_LIMIT`, which the readers import instead of keeping copies.
 */

/** Each shape kind with the columns (by role) it names. */
export const SHAPE_FIELDS = {
  row: [],
  ranked: ["label", "by"],
  series: ["time", "value"],
  alert: [],
} as const satisfies Record<string, readonly string[]>;

export type ShapeKind = keyof typeof SHAPE_FIELDS;

export type ResultShape = {
  [K in ShapeKind]: { readonly kind: K } & { readonly [F in (typeof SHAPE_FIELDS)[K][number]]: string };
}[ShapeKind];

/**
 * How many rows a reader answers by default, by shape: the leaders of a range, the newest alerts,
 * or a range's stored rows.
 */
export const DEFAULT_LIMIT = {
  ranked: 20,
  alert: 100,
  row: 1000,
  series: 1000,
} as const satisfies Record<ShapeKind, number>;

/**
 * How a reader combines a measure column over the windows of a range (`rollup` of
 * `RESULT_TABLES`), from the measure's `Rollup` (spec/rollup.ts): `sum`, `min`, `max`;
 * `ratio`: Σ `num` / Σ `den`, where `den` is the row's own (`row`), one value shared by every row
 * of the (window, topic) (`topic`), or one shared by every topic's row of the (window, dimension
 * values) (`dimensions`), so each window's denominator counts once; `none`: not additive (`why`).
 *
 * Printed into `sql/generated/tables.ts` as `MetricRollup` (print/kysely.ts), with these scopes.
 */
export const DENOMINATOR_SCOPES = ["row", "topic", "dimensions"] as const;
/** The operators of a `derived` roll-up. */
export const DERIVED_OPS = ["+", "-", "*", "/"] as const;

export type ColumnRollup =
  | { readonly kind: "sum" | "min" | "max" }
  | {
      readonly kind: "ratio";
      readonly num: string;
      readonly den: string;
      readonly per: (typeof DENOMINATOR_SCOPES)[number];
    }
  | {
      readonly kind: "derived";
      readonly op: (typeof DERIVED_OPS)[number];
      readonly args: readonly (string | number)[];
    }
  | { readonly kind: "none"; readonly why: string };
