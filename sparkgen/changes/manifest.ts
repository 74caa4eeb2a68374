/**
 * The manifest of a job: per metric its canonical spec fields, result columns, SQL hash and
 * lineage. `trends sparkgen` commits it (`generated/manifest.json`), so `trends sparkgen plan
 * --base REF` can compare the specs of the working tree with those of any git ref without
 * loading old TypeScript.
 *
 * Fields are derived from the spec values, not listed per kind: every leaf of a spec becomes a
 * dotted path (`weights.retweets`, `measures.avg_score`, `levels.warning.op`) with a canonical
 * string value — numbers and strings as JSON, a measure or predicate as its Spark SQL expression,
 * another metric as its name. A new kind gets its fields for free.
 */
import type { ExpressionNode } from "../ast/index.ts";
import {
  type CompiledJob,
  type CompiledMetric,
  type OutputColumn,
  referenceEdgesStatement,
} from "../compile/index.ts";
import { plainColumn } from "../print/ddl.ts";
import { printExpression } from "../print/spark-sql.ts";
import type { Dimension } from "../spec/metric-dsl.ts";
import { lowerShare, mapExpression } from "../transforms/index.ts";
import { metricSqlHash, type SqlHashes, sqlHash } from "./hash.ts";
import { type ColumnLineage, jobLineage } from "./lineage.ts";

export const MANIFEST_VERSION = 1;

export interface ManifestMetric {
  readonly name: string;
  readonly kind: string;
  readonly source: string;
  readonly description: string;
  /** Canonical spec fields by dotted path (description, name, kind and source excluded). */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Other metrics whose results it reads (from the lineage). */
  readonly reads: readonly string[];
  readonly columns: readonly OutputColumn[];
  readonly primaryKey: readonly string[];
  readonly sqlHash: string;
  /** Fingerprint of which rows the metric stores (see `MetricLineage`). */
  readonly rows: string;
  readonly lineage: Readonly<Record<string, ColumnLineage>>;
}

export interface Manifest {
  readonly version: number;
  readonly job: {
    readonly name: string;
    readonly source: string;
    readonly description: string;
    readonly fields: Readonly<Record<string, FieldValue>>;
    /** Hashes of the two event statements every metric reads through. */
    readonly sql: Readonly<Record<string, string>>;
  };
  readonly metrics: readonly ManifestMetric[];
}

const IDENTITY = new Set(["kind", "name", "source", "description"]);

const isNode = (v: object): v is { kind: "measure" | "predicate"; node: ExpressionNode } =>
  "kind" in v && (v.kind === "measure" || v.kind === "predicate") && "node" in v;
const isDimension = (v: object): v is Dimension => "kind" in v && v.kind === "dimension";
const isSpec = (v: object): v is { name: string } => "kind" in v && "name" in v && "source" in v;

/** One line of Spark SQL: the expression as the generated SQL computes it. */
const canonicalExpression = (e: ExpressionNode): string =>
  printExpression(mapExpression(e, lowerShare)).replace(/\s*\n\s*/g, " ");

/** A spec leaf as the manifest keeps it: a JSON value (an expression is its SQL text). */
export type FieldValue = string | number | boolean | null | readonly (string | number | boolean | null)[];

/** The spec's leaves as `path → canonical value`, in declaration order. */
export function specFields(spec: object, skip: ReadonlySet<string> = IDENTITY): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v !== "object") out[path] = v as FieldValue;
    else if (Array.isArray(v))
      out[path] = v.map((x) => (x !== null && typeof x === "object" && isSpec(x) ? x.name : x));
    else if (isNode(v)) out[path] = canonicalExpression(v.node);
    else if (isDimension(v)) {
      // What it computes, as SQL lines, not its expression tree field by field.
      out[path] = canonicalExpression(v.node);
      if (v.elements) out[`${path}.each`] = canonicalExpression(v.elements.value.body);
      if (v.elements?.keep) out[`${path}.keep`] = canonicalExpression(v.elements.keep.body);
      if (v.exclude) out[`${path}.without`] = [...v.exclude];
    } else if (isSpec(v) && path) out[path] = v.name;
    else
      for (const [k, x] of Object.entries(v)) {
        if (!path && skip.has(k)) continue;
        walk(x, path ? `${path}.${k}` : k);
      }
  };
  walk(spec, "");
  return out;
}

/**
 * The manifest of the compiled job, given the generated SQL text of each statement (the two event
 * statements and one per metric, by name) — the text `generate()` writes.
 */
export function buildManifest(model: CompiledJob, sql: Readonly<Record<string, string>>): Manifest {
  const { job } = model;
  const lineage = jobLineage(model);
  const metric = ({ spec: m, columns, key, referenceDepth: depth }: CompiledMetric): ManifestMetric => {
    const { columns: cols, rows } = lineage.get(m.name)!;
    const reads = new Set([...cols.values()].flatMap((l) => l.via.map((v) => v.split(".")[0]!)));
    return {
      name: m.name,
      kind: m.kind,
      source: m.source,
      description: m.description,
      fields: specFields(m),
      reads: [...reads].sort(),
      columns: columns.map(plainColumn),
      primaryKey: key,
      sqlHash: metricSqlHash(
        sql[m.name]!,
        depth ? { edges: sql[referenceEdgesStatement(m.name)]!, cap: depth.cap } : undefined,
      ),
      rows,
      lineage: Object.fromEntries(cols),
    };
  };
  return {
    version: MANIFEST_VERSION,
    job: {
      name: job.name,
      source: job.source,
      description: job.description,
      fields: specFields(job, new Set([...IDENTITY, "metrics"])),
      sql: { classify_events: sqlHash(sql.classify_events!), window_events: sqlHash(sql.window_events!) },
    },
    metrics: model.metrics.map(metric),
  };
}

/** What `pipeline_run.sql_hashes` records for a run of this manifest's plan. */
export const manifestHashes = (m: Manifest): SqlHashes =>
  Object.freeze({ ...m.job.sql, ...Object.fromEntries(m.metrics.map((x) => [x.name, x.sqlHash])) });
