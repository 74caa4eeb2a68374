/**
 * The parts of the DSL only the general `metric` kind uses: dimensions (what a row is per,
 * besides window and topic) and derived measures (measures over other measures of the same row).
 * Spread into `dsl()`, so specs write `e.explode("hashtags")`, `e.ratio("a", "b")`.
 */
import { type ExpressionNode, type LambdaNode, sql } from "../ast/index.ts";
import type {
  AnyColumn,
  ArrayColumns,
  Measure,
  NumericColumns,
  NumericResult,
  ResultType,
  Schema,
  StringColumns,
  TextColumns,
  TimestampColumns,
} from "./dsl.ts";
import { NOT_ADDITIVE } from "./rollup.ts";

/** Sizes of a time bucket inside the window, in minutes. */
export const BUCKET_SIZES = { "1m": 1, "5m": 5, "15m": 15 } as const;
export type BucketSize = keyof typeof BUCKET_SIZES;

/**
 * One grouping column of a metric. A scalar dimension has one value per event (events where it
 * is NULL are left out of the metric: a key column cannot be NULL); an exploded one is an array
 * expression, each distinct non-NULL element once per event.
 */
export interface Dimension<T extends "text" | "timestamptz" = "text" | "timestamptz"> {
  readonly kind: "dimension";
  readonly node: ExpressionNode;
  readonly exploded: boolean;
  readonly type: T;
  /** Whether an event's value can be NULL (such events are left out). */
  readonly nullable: boolean;
  /** Minutes of a time bucket (`bucket`), so validation can check it divides the window. */
  readonly bucketMinutes?: number;
  /**
   * An exploded dimension whose elements are occurrences (`tokens`): every element counts, repeats
   * in one event included, and `value` (of the element `x`) is the dimension's value, kept where
   * `keep` (of that value) holds. Without it, each distinct non-NULL element counts once per event.
   */
  readonly elements?: { readonly value: LambdaNode; readonly keep?: LambdaNode };
  /** What validation refuses about how the dimension was built (`tokens` of an exploded one). */
  readonly misuse?: string;
  /** The rules a `tokens` dimension was made with (validation checks them). */
  readonly tokens?: TokenRules;
  /** Values left out of the metric (`without`: stop words), compared after `elements.value`. */
  readonly exclude?: readonly string[];
  /**
   * One side of `pairs`: the dimensions named `first` and `second` explode the same array, and a
   * row keeps only `first < second` (each unordered pair of distinct elements once).
   */
  readonly pair?: { readonly first: string; readonly second: string };
}

/** The per-record column a `referenceDepth` measure aggregates (added by the compiler). */
export const REFERENCE_DEPTH_COLUMN = "reference_depth";

/**
 * The deepest chain of records referencing a record of the group (a reply to a quote of it is 2),
 * within the (window, topic), capped: the influencer's depth, as a measure of any metric.
 */
export interface DepthMeasure extends Measure<"integer"> {
  readonly depth: { readonly id: string; readonly refId: string; readonly cap: number };
}

/**
 * Σ `value` over the distinct non-NULL `per` of the group, each counted once with its largest
 * `value` in the group (reach: every author's followers once). The compiler adds `column` to the
 * group's rows: the value on one row per (group, entity), NULL on the others.
 */
export interface OnceMeasure<T extends "bigint" | "double precision" = "bigint" | "double precision">
  extends Measure<T> {
  readonly once: { readonly value: string; readonly per: string; readonly column: string };
}

/** How `tokens` cuts a text into words (docs/contracts.md "Words"). */
export interface TokenRules {
  /** Java regular expressions replaced by a space before splitting (URLs, then @mentions). */
  readonly drop?: readonly string[];
  /** The characters tokens are made of, as the inside of a regex character class. */
  readonly tokenChars: string;
  /** Characters trimmed from both ends of each token. */
  readonly trimChars?: string;
  /** The least length of a kept token, not counting the `notCounted` characters. */
  readonly minLength?: number;
  readonly notCounted?: string;
  /** Leave out tokens made of digits only. */
  readonly dropNumbers?: boolean;
}

/** Arithmetic between measures of the row (`plus`, `minus`, `times`) and its SQL operator. */
export const ARITHMETIC = { plus: "+", minus: "-", times: "*" } as const;
export type ArithmeticOp = keyof typeof ARITHMETIC;

/**
 * A measure computed from other measures of the row (their names, checked by `define.metric`),
 * aggregate or derived themselves (the compiler computes them level by level; a cycle is a
 * validation problem).
 */
export interface DerivedMeasure<R extends string = string> {
  readonly kind: "derived";
  /**
   * ratio: refs[0] / refs[1]. shareOfTopic: refs[0] / the same measure over every event of the
   * (window, topic). shareOfAll: refs[0] / its value for the catch-all topic (same dimensions).
   * shareOfTracked: refs[0] / its sum over every topic but the catch-all (same dimensions).
   * score: Σ weights[i] · c(refs[i]), c(x) = ln(1 + x) / ln(1 + max x over the (window, topic)),
   * 0 when that max is 0 — the influencer score's normalisation and weighting, for any measures.
   * plus: refs[0] + refs[1] + …; minus: refs[0] − refs[1]; times: refs[0] · factor.
   */
  readonly op: "ratio" | "shareOfTopic" | "shareOfAll" | "shareOfTracked" | "score" | ArithmeticOp;
  readonly refs: readonly R[];
  /** score: the weight of each ref, in order (0…1, summing to 1). */
  readonly weights?: readonly number[];
  /** times: the constant factor. */
  readonly factor?: number;
  /**
   * `double precision`, but for arithmetic of integer measures (`bigint`): `define.metric` types an
   * arithmetic measure from the measures it reads (`typedMeasures`).
   */
  readonly type: "bigint" | "double precision";
  /** A ratio or share: NULL when the denominator is 0 or NULL; arithmetic: when a measure it reads is. */
  readonly nullable: boolean;
}

type TextDimension = Dimension<"text">;
const dimension = <T extends "text" | "timestamptz">(
  node: ExpressionNode,
  type: T,
  exploded: boolean,
  nullable: boolean,
  bucketMinutes?: number,
): Dimension<T> =>
  Object.freeze({
    kind: "dimension",
    node,
    type,
    exploded,
    nullable,
    ...(bucketMinutes ? { bucketMinutes } : {}),
  });

/**
 * The host of an absolute URL (`scheme://[userinfo@]host[:port]…`), lower-case, without a leading
 * `www.`; NULL when the text is not such a URL. A regular expression rather than `parse_url`:
 * java.net.URI rejects URLs X does deliver (spaces, `|`, non-ASCII paths).
 */
const URL_HOST = "^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)";
const hostOf = (url: ExpressionNode) =>
  sql.fn(
    "nullif",
    sql.fn(
      "regexp_replace",
      sql.fn("lower", sql.fn("regexp_extract", url, sql.lit(URL_HOST), sql.lit(1))),
      sql.lit("^www\\."),
      sql.lit(""),
    ),
    sql.lit(""),
  );

/**
 * The tokens of a text, in order, repeats kept: `drop` patterns blanked, split on anything not in
 * `tokenChars`, `trimChars` trimmed, short and all-digit tokens left out.
 */
function tokenDimension(text: TextDimension, rules: TokenRules): TextDimension {
  const cleaned = (rules.drop ?? []).reduce<ExpressionNode>(
    (t, pattern) => sql.fn("regexp_replace", t, sql.lit(pattern), sql.lit(" ")),
    text.node,
  );
  const trim = rules.trimChars;
  const value = trim
    ? sql.fn("regexp_replace", "x", sql.lit(`^[${trim}]+|[${trim}]+$`), sql.lit(""))
    : sql.col("x");
  const counted = rules.notCounted
    ? sql.fn("regexp_replace", "w", sql.lit(`[${rules.notCounted}]`), sql.lit(""))
    : sql.col("w");
  const keep = [
    ...(rules.minLength ? [sql.op(sql.fn("length", counted), ">=", rules.minLength)] : []),
    ...(rules.dropNumbers ? [sql.not(sql.op("w", "RLIKE", sql.lit("^\\p{Nd}+$")))] : []),
  ];
  return Object.freeze({
    ...dimension(sql.fn("split", cleaned, sql.lit(`[^${rules.tokenChars}]+`)), "text", true, true),
    tokens: Object.freeze({ ...rules }),
    elements: Object.freeze({
      value: sql.lambda(["x"], value),
      ...(keep.length ? { keep: sql.lambda(["w"], sql.and(...keep)) } : {}),
    }),
  });
}

export function dimensionDsl<S extends Schema>(schema: S) {
  type Text = TextColumns<S>;
  const numericResult = <C extends NumericColumns<S>>(c: C) =>
    (schema[c]?.type === "double" ? "double precision" : "bigint") as NumericResult<S[C]>;
  /**
   * Applies `f` to a text column, a scalar dimension, or each element of an exploded one;
   * `nullable`: whether f's result can be NULL (undefined: when its input can).
   */
  const mapText = (
    v: Text | TextDimension,
    f: (x: ExpressionNode) => ExpressionNode,
    nullable?: boolean,
  ): TextDimension => {
    const d = typeof v === "string" ? column(v) : v;
    const n = nullable ?? d.nullable;
    if (!d.exploded) return dimension(f(d.node), "text", false, n);
    return dimension(sql.fn("transform", d.node, sql.lambda(["x"], f(sql.col("x")))), "text", true, n);
  };
  const column = (c: Text): TextDimension =>
    dimension(sql.col(c), "text", false, schema[c]?.nullable !== false);
  return Object.freeze({
    /** A text column as a dimension. */
    column,
    /** Lower-case of a text column or dimension. */
    lower: (v: Text | TextDimension) => mapText(v, (x) => sql.fn("lower", x)),
    /** The host of a URL column or dimension, lower-case, without a leading `www.`. */
    hostOf: (v: Text | TextDimension) => mapText(v, hostOf, true),
    /** `fallback` where the value is NULL (`ifNull("lang", "und")`). */
    ifNull: (v: Text | TextDimension, fallback: string) =>
      mapText(v, (x) => sql.fn("coalesce", x, sql.lit(fallback)), false),
    /**
     * Each distinct match of a Java regular expression in a text column (the whole match), once
     * per event: `matchesOf("text", EMOJI)`. A text with no match adds no row.
     */
    matchesOf: (c: Text, javaRegex: string): TextDimension =>
      dimension(sql.fn("regexp_extract_all", sql.col(c), sql.lit(javaRegex), sql.lit(0)), "text", true, true),
    /**
     * The words of a text column or scalar dimension, each occurrence counted
     * (`tokens(lower("text"), { tokenChars: "\\p{L}\\p{Nd}_", minLength: 3 })`).
     */
    tokens: (v: Text | TextDimension, rules: TokenRules): TextDimension => {
      const d = typeof v === "string" ? column(v) : v;
      const t = tokenDimension(d, rules);
      // Validation reports it (a spec module must load for the error to name its file and field).
      return d.exploded ? Object.freeze({ ...t, misuse: "tokens() of an exploded dimension" }) : t;
    },
    /**
     * A measure: the deepest reference chain (records whose `refId` is the `id` of a record of the
     * group, and so on) below the group's records, at most `cap`; 0 when none references them.
     */
    referenceDepth: (id: StringColumns<S>, refId: StringColumns<S>, cap = 8): DepthMeasure =>
      Object.freeze({
        kind: "measure",
        node: sql.fn("max", sql.col(REFERENCE_DEPTH_COLUMN)),
        type: "integer",
        nullable: false,
        rollup: Object.freeze({
          kind: "none",
          why: NOT_ADDITIVE.depth,
        }),
        depth: Object.freeze({ id, refId, cap }),
      }),
    /**
     * A measure: Σ `value` over the distinct non-NULL `per` of the group, each once, with its
     * largest `value` there (`sumOnce("author_followers", "author_id")`: reach, each author's
     * followers once however many posts). 0 when there is none. Not additive over windows.
     */
    sumOnce: <C extends NumericColumns<S>>(value: C, per: AnyColumn<S>): OnceMeasure<NumericResult<S[C]>> =>
      Object.freeze({
        kind: "measure",
        node: sql.fn("coalesce", sql.fn("sum", sql.col(onceColumn(value, per))), sql.lit(0)),
        type: numericResult(value),
        nullable: false,
        rollup: Object.freeze({ kind: "none", why: NOT_ADDITIVE.once }),
        once: Object.freeze({ value, per, column: onceColumn(value, per) }),
      }),
    /**
     * The unordered pairs of distinct elements of an exploded dimension within one record, as two
     * dimensions named `first` and `second` (`first < second`: no (a, a), one order only):
     * `dimensions: e.pairs(e.explode("hashtags"), "tag_a", "tag_b")` (spread it beside others).
     */
    pairs: <A extends string, B extends string>(
      d: TextDimension,
      first: A,
      second: B,
    ): { readonly [K in A | B]: TextDimension } => {
      const misuse = !d.exploded
        ? "pairs() of a dimension that is not exploded"
        : d.elements
          ? "pairs() of tokens (every occurrence counts: pair an exploded array or matches)"
          : d.misuse;
      const side = Object.freeze({
        ...d,
        pair: Object.freeze({ first, second }),
        ...(misuse ? { misuse } : {}),
      });
      return Object.freeze({ [first]: side, [second]: side }) as unknown as {
        readonly [K in A | B]: TextDimension;
      };
    },
    /** A text dimension without the listed values (stop words), compared after any transformation. */
    without: (d: TextDimension, values: readonly string[]): TextDimension =>
      Object.freeze({ ...d, exclude: Object.freeze([...(d.exclude ?? []), ...values]) }),
    /** Each element of an array column, once per event (repeats inside one event count once). */
    explode: (c: ArrayColumns<S>): TextDimension => dimension(sql.col(c), "text", true, true),
    /** The start of the 1-, 5- or 15-minute bucket of a timestamp (aligned to the epoch, so to the window). */
    bucket: (c: TimestampColumns<S>, size: BucketSize): Dimension<"timestamptz"> => {
      const secs = BUCKET_SIZES[size] * 60;
      const start = sql.op(sql.fn("floor", sql.op(sql.fn("unix_seconds", sql.col(c)), "/", secs)), "*", secs);
      return dimension(
        sql.fn("timestamp_seconds", start),
        "timestamptz",
        false,
        schema[c]?.nullable !== false,
        BUCKET_SIZES[size],
      );
    },
  });
}

/** The column the compiler adds for a `sumOnce` (its value on one row per group and entity). */
const onceColumn = (value: string, per: string) => `${value}_once_per_${per}`;

const derived = <R extends string>(op: DerivedMeasure["op"], ...refs: R[]): DerivedMeasure<R> =>
  Object.freeze({ kind: "derived", op, refs: Object.freeze(refs), type: "double precision", nullable: true });

type AnyMeasure = Measure | DerivedMeasure;

/**
 * The measures with each arithmetic measure typed from the ones it reads (`define.metric` calls
 * it): `bigint` when they are all integers (and a `times` factor is whole), else `double
 * precision`; nullable when one of them is. A name that is missing or a cycle keeps the defaults
 * (validation reports them).
 */
export function typedMeasures<M extends Readonly<Record<string, AnyMeasure>>>(measures: M): M {
  const typed = new Map<string, { type: ResultType; nullable: boolean }>();
  const visiting = new Set<string>();
  const of = (name: string): { type: ResultType; nullable: boolean } | undefined => {
    const m = measures[name];
    if (m === undefined || visiting.has(name)) return undefined;
    if (m.kind === "measure" || !(m.op in ARITHMETIC)) return { type: m.type, nullable: m.nullable };
    const known = typed.get(name);
    if (known) return known;
    visiting.add(name);
    const refs = m.refs.map(of);
    visiting.delete(name);
    if (refs.some((r) => r === undefined)) return { type: m.type, nullable: m.nullable };
    const whole =
      refs.every((r) => r!.type === "bigint" || r!.type === "integer") &&
      (m.factor === undefined || Number.isInteger(m.factor));
    const t = {
      type: whole ? "bigint" : "double precision",
      nullable: refs.some((r) => r!.nullable),
    } as const;
    typed.set(name, t);
    return t;
  };
  return Object.freeze(
    Object.fromEntries(
      Object.entries(measures).map(([name, m]) => {
        if (m.kind !== "derived" || !(m.op in ARITHMETIC)) return [name, m];
        const t = of(name)!;
        return [name, Object.freeze({ ...m, type: t.type, nullable: t.nullable })];
      }),
    ),
  ) as M;
}

export function derivedDsl() {
  return Object.freeze({
    /** `a / b` of two measures of the row; NULL when b is 0 or NULL. */
    ratio: <A extends string, B extends string>(a: A, b: B) => derived<A | B>("ratio", a, b),
    /** `a + b + …` of measures of the row (engagement: `plus("likes", "retweets")`); NULL when one is. */
    plus: <A extends string>(...refs: [A, A, ...A[]]) => derived<A>("plus", ...refs),
    /** `a − b` of two measures of the row (net sentiment: `minus("pos", "neg")`); NULL when one is. */
    minus: <A extends string, B extends string>(a: A, b: B) => derived<A | B>("minus", a, b),
    /** `a · factor` for a constant factor (`times("retweets", 2)`); NULL when a is. */
    times: <A extends string>(a: A, factor: number): DerivedMeasure<A> =>
      Object.freeze({ ...derived("times", a), factor }),
    /** A measure's share of its value over every event of the (window, topic). */
    shareOfTopic: <A extends string>(a: A) => derived("shareOfTopic", a),
    /** A measure's share of its value for the catch-all topic (same dimension values). */
    shareOfAll: <A extends string>(a: A) => derived("shareOfAll", a),
    /** A measure's share of its sum over the tracked topics (every topic but the catch-all). */
    shareOfTracked: <A extends string>(a: A) => derived("shareOfTracked", a),
    /**
     * A 0…1 score of non-negative measures: `Σ weight · ln(1 + m) / ln(1 + max m in the topic)`
     * (`score({ retweets: 0.6, authors: 0.4 })`); the weights sum to 1.
     */
    score: <A extends string>(weights: Readonly<Record<A, number>>): DerivedMeasure<A> =>
      Object.freeze({
        ...derived("score", ...(Object.keys(weights) as A[])),
        weights: Object.freeze(Object.values<number>(weights)),
      }),
  });
}
