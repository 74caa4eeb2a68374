/**
 * The column vocabulary of a record declaration. Each column carries its logical type; the
 * TypeScript type, the Spark `StructType` and the validator are all derived from it.
 */
export type ColumnType = "string" | "int" | "long" | "double" | "timestamp" | "string_array";

export interface Column<T extends ColumnType = ColumnType, N extends boolean = boolean> {
  readonly type: T;
  readonly nullable: N;
  /** Allowed values, for string columns with a closed set (`ref_type`). */
  readonly values?: readonly string[];
  /** Inclusive numeric bounds checked by the validator; integer columns always have both. */
  readonly min?: number;
  readonly max?: number;
  /** Longest element, in characters (code points), of a string array (`rules`: topic names). */
  readonly maxLength?: number;
  /** The field may be absent from a record (always also nullable for the readers). */
  readonly optional?: boolean;
  readonly doc: string;
}

type TsOf<T extends ColumnType> = T extends "string" | "timestamp"
  ? string
  : T extends "string_array"
    ? string[]
    : number;

/** The TypeScript value of one column. */
export type ValueOf<C extends Column> =
  C extends Column<infer T, infer N> ? (N extends true ? TsOf<T> | null : TsOf<T>) : never;

/** The values a string column admits: its declared `values` when it has them, any string otherwise. */
export type ValuesOf<C extends Column> = C extends { readonly values: readonly (infer V extends string)[] }
  ? V
  : string;

type OptionalKeys<S extends Readonly<Record<string, Column>>> = {
  [K in keyof S]: S[K] extends { readonly optional: true } ? K : never;
}[keyof S];

/** The TypeScript record type of a declaration; optional columns are optional keys without null. */
export type RecordOf<S extends Readonly<Record<string, Column>>> = {
  -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: ValueOf<S[K]>;
} & {
  -readonly [K in OptionalKeys<S>]?: NonNullable<ValueOf<S[K]>>;
};

/** Column names of a declaration whose type is numeric, for typed aggregates. */
export type NumericColumns<S extends Readonly<Record<string, Column>>> = {
  [K in keyof S]: S[K]["type"] extends "int" | "long" | "double" ? K : never;
}[keyof S] &
  string;

export type StringColumns<S extends Readonly<Record<string, Column>>> = {
  [K in keyof S]: S[K]["type"] extends "string" | "timestamp" ? K : never;
}[keyof S] &
  string;

type Values = readonly string[] | undefined;

/** A column declared with `values` keeps them as literal types (filters are checked against them). */
type Enumerated<V extends Values> = V extends readonly string[] ? { readonly values: V } : unknown;

interface ColumnExtra<V extends Values = undefined> {
  values?: V;
  min?: number;
  max?: number;
  maxLength?: number;
}

/**
 * The range every integer column admits unless its declaration narrows it: `int` is Spark's
 * IntegerType; `long` is Spark's LongType cut to the integers a JavaScript number holds exactly
 * (±(2^53 − 1)), since ingest and the readers handle counts as numbers. A value outside is a
 * contract violation (e.g. `like_count: 1e308`), not a number to round.
 */
export const INTEGER_BOUNDS = {
  int: { min: -(2 ** 31), max: 2 ** 31 - 1 },
  long: { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
} as const;

/**
 * One factory per type. Overloads, not a defaulted generic: with `nullable` omitted a generic
 * parameter widens to `boolean` and every column would admit null.
 */
function make<T extends ColumnType>(type: T) {
  function column<const V extends Values = undefined>(
    doc: string,
    extra: ColumnExtra<V> & { optional: true },
  ): Column<T, true> & { readonly optional: true } & Enumerated<V>;
  function column<const V extends Values = undefined>(
    doc: string,
    extra: ColumnExtra<V> & { nullable: true },
  ): Column<T, true> & Enumerated<V>;
  function column<const V extends Values = undefined>(
    doc: string,
    extra?: ColumnExtra<V> & { nullable?: false },
  ): Column<T, false> & Enumerated<V>;
  function column(
    doc: string,
    extra: ColumnExtra<Values> & { nullable?: boolean; optional?: boolean } = {},
  ): Column<T, boolean> {
    // An optional field is absent in older records, which every reader sees as null.
    const { nullable = extra.optional === true, ...rest } = extra;
    const bounds =
      type === "int" || type === "long" ? INTEGER_BOUNDS[type as keyof typeof INTEGER_BOUNDS] : undefined;
    return Object.freeze({
      type,
      nullable,
      doc,
      ...rest,
      ...(bounds
        ? {
            min: Math.max(bounds.min, rest.min ?? bounds.min),
            max: Math.min(bounds.max, rest.max ?? bounds.max),
          }
        : {}),
    });
  }
  return column;
}

export const col = {
  string: make("string"),
  int: make("int"),
  long: make("long"),
  double: make("double"),
  /** ISO-8601 UTC string with millisecond precision; Spark reads it as a string and casts. */
  timestamp: make("timestamp"),
  stringArray: make("string_array"),
} as const;
