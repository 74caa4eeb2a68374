/**
 * Column lineage from the compiled tree: which event columns (and which other metrics' result
 * columns) feed each result column. The walk resolves every CTE and temp view back to the event
 * record, through the window-events and classify views of `compile/events.ts`, so nothing here is
 * written per metric.
 *
 * Value lineage, as SQLMesh and sqlglot define it: the columns an output expression reads —
 * operands, function arguments, CASE conditions, the ORDER BY of a window function. Row shaping
 * (WHERE, JOIN ON, GROUP BY, PARTITION BY) decides which rows exist, not what a value is computed
 * from, and is left out: otherwise every column would depend on `rules` (the topic) and on the
 * dedup keys.
 */
import { createHash } from "node:crypto";
import type {
  ExpressionNode,
  QueryNode,
  SelectItemNode,
  SelectNode,
  TableNode,
  UnionNode,
} from "../ast/index.ts";
import {
  alertHistoryView,
  CORRUPT_COLUMN,
  compileClassify,
  compileMetric,
  compileWindowEvents,
  outputColumns,
  VIEWS,
} from "../compile/index.ts";
import { EVENT_COLUMNS } from "../schema/index.ts";
import type { JobSpec, MetricSpec } from "../spec/kinds.ts";

/** What one result column is computed from. */
export interface ColumnLineage {
  /** Event record columns, in the record's declaration order. */
  readonly events: readonly string[];
  /** Result columns of other metrics it reads (`sentiment_window.avg_score`), this window's or stored ones. */
  readonly via: readonly string[];
  /** It is (or carries) the window's bounds. */
  readonly window: boolean;
  /**
   * A hash of everything the column's values depend on: its expression with every column it reads
   * expanded down to the event record (literals such as weights included), and the row shaping
   * (WHERE, JOIN, GROUP BY, PARTITION BY) on the way. Equal fingerprints: equal values.
   */
  readonly fingerprint: string;
}

/** A leaf of the walk: `event:<column>`, `metric:<table>.<column>` or `window:<bound>`. */
type Leaves = ReadonlySet<string>;

/** What an expression or column reads (`leaves`) and a description of how (`fp`). */
interface Trace {
  readonly leaves: Leaves;
  readonly fp: string;
}

interface Relation {
  readonly columns: readonly string[];
  /** Fingerprint of which rows it has. */
  readonly rows: string;
  column(name: string): Trace;
  /** The column's value alone, without this relation's own row shaping (a query's final SELECT). */
  value(name: string): Trace;
}

const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

const leafRelation = (name: string, columns: readonly string[], leaf: (c: string) => string): Relation => ({
  columns,
  rows: name,
  column: (c) => ({ leaves: new Set([leaf(c)]), fp: leaf(c) }),
  value: (c) => ({ leaves: new Set([leaf(c)]), fp: leaf(c) }),
});

const union = (sets: Iterable<Leaves>): Set<string> => {
  const out = new Set<string>();
  for (const s of sets) for (const x of s) out.add(x);
  return out;
};

/** Combines traces: `fp` is `name(a, b, …)`; `feeding` says which parts feed the value. */
const node = (name: string, parts: readonly Trace[], feeding: readonly Trace[] = parts): Trace => ({
  leaves: union(feeding.map((p) => p.leaves)),
  fp: `${name}(${parts.map((p) => p.fp).join(",")})`,
});
const atom = (fp: string): Trace => ({ leaves: new Set(), fp });

/** The columns a relation name resolves to, by scope: CTEs first, then the job's temp views. */
type Catalog = ReadonlyMap<string, Relation>;

function selectRelation(s: SelectNode, catalog: Catalog): Relation {
  // alias (or name) → relation, in FROM/JOIN order; lateral views add generated columns.
  const scope: [string, Relation][] = [];
  const bind = (t: TableNode) => {
    const r = catalog.get(t.name);
    if (!r) throw new Error(`lineage: ${t.name} is neither a CTE nor a known view`);
    scope.push([t.alias ?? t.name, r]);
    return r;
  };
  const find = (name: string, table: string | undefined): Relation => {
    const hit = scope.find(([alias, r]) => (table ? alias === table : r.columns.includes(name)));
    if (!hit) throw new Error(`lineage: column ${table ? `${table}.` : ""}${name} not found`);
    return hit[1];
  };
  const bound = new Set<string>();
  const expr = (e: ExpressionNode): Trace => {
    switch (e.kind) {
      case "ColumnNode":
        if (!e.table && bound.has(e.name)) return atom(`param:${e.name}`);
        return find(e.name, e.table).column(e.name);
      case "LiteralNode":
        return atom(JSON.stringify(e.value));
      case "StarNode":
        return atom("*");
      case "IntervalNode":
        return atom(`interval ${e.amount} ${e.unit}`);
      case "BinaryNode":
        return node(e.op, [expr(e.left), expr(e.right)]);
      case "UnaryNode":
        return node(e.op, [expr(e.operand)]);
      case "CastNode":
        return node(`cast ${e.type}`, [expr(e.operand)]);
      case "IsNullNode":
        return node(e.negated ? "is not null" : "is null", [expr(e.operand)]);
      case "CallNode":
        return node(`${e.name}${e.distinct ? " distinct" : ""}`, e.args.map(expr));
      case "CaseNode":
        return node("case", [
          ...e.whens.flatMap((w) => [expr(w.when), expr(w.result)]),
          ...(e.otherwise ? [expr(e.otherwise)] : []),
        ]);
      case "InNode":
        return node(e.negated ? "not in" : "in", [expr(e.operand), ...e.list.map(expr)]);
      case "LambdaNode": {
        for (const p of e.params) bound.add(p);
        const body = expr(e.body);
        for (const p of e.params) bound.delete(p);
        return node(`lambda ${e.params.join(" ")}`, [body]);
      }
      case "WindowFunctionNode": {
        // PARTITION BY groups rows; ORDER BY decides the value (a rank).
        const order = e.orderBy.map((o) => node(o.direction, [expr(o.expr)]));
        const partition = e.partitionBy.map(expr);
        return node("over", [expr(e.call), node("partition", partition), ...order], [expr(e.call), ...order]);
      }
      case "NormaliseNode": {
        const operand = expr(e.operand);
        return node("normalise", [operand, ...e.partitionBy.map(expr)], [operand]);
      }
      case "ShareNode":
        return node("share", [expr(e.when), ...(e.of ? [expr(e.of)] : [])]);
    }
  };
  const shape: string[] = [];
  if (s.from) shape.push(`from ${bind(s.from).rows}`);
  for (const j of s.joins) {
    const r = bind(j.table);
    shape.push(`${j.joinType} ${r.rows} on ${j.on ? expr(j.on).fp : ""}`);
  }
  for (const v of s.lateralViews) {
    const from = expr(v.generator);
    shape.push(`lateral ${from.fp}`);
    scope.push([v.alias, { columns: v.columns, rows: from.fp, column: () => from, value: () => from }]);
  }
  if (s.where) shape.push(`where ${expr(s.where).fp}`);
  if (s.groupBy.length) shape.push(`group ${s.groupBy.map((g) => expr(g).fp).join(",")}`);
  const items: [string, () => Trace][] = s.items.flatMap((i) => itemColumns(i, scope, expr));
  if (s.distinct) shape.push(`distinct ${items.map(([, t]) => t().fp).join(",")}`);
  const rows = hash(shape.join("\n"));
  const byName = new Map(items);
  const value = (c: string): Trace => {
    const f = byName.get(c);
    if (!f) throw new Error(`lineage: no column ${c}`);
    const t = f();
    return { leaves: t.leaves, fp: hash(t.fp) };
  };
  return {
    columns: items.map(([n]) => n),
    rows,
    value,
    column: (c) => {
      const t = value(c);
      return { leaves: t.leaves, fp: hash(`${rows}|${t.fp}`) };
    },
  };
}

function itemColumns(
  i: SelectItemNode,
  scope: readonly [string, Relation][],
  expr: (e: ExpressionNode) => Trace,
): [string, () => Trace][] {
  if (i.expr.kind === "StarNode") {
    const table = i.expr.table;
    return scope
      .filter(([alias]) => !table || alias === table)
      .flatMap(([, r]) => r.columns.map((c): [string, () => Trace] => [c, () => r.column(c)]));
  }
  const name = i.alias ?? (i.expr.kind === "ColumnNode" ? i.expr.name : undefined);
  if (!name) throw new Error("lineage: an unnamed select item");
  const e = i.expr;
  return [[name, () => expr(e)]];
}

function setRelation(q: SelectNode | UnionNode, catalog: Catalog): Relation {
  if (q.kind === "SelectNode") return selectRelation(q, catalog);
  const parts = q.selects.map((s) => selectRelation(s, catalog));
  const first = parts[0]!;
  // UNION matches columns by position; a distinct UNION's rows depend on every column's values.
  const at = (k: number) =>
    node(
      "union",
      parts.map((p) => p.column(p.columns[k]!)),
    );
  const rows = hash(
    `${q.all ? "union all" : "union"} ${parts.map((p) => p.rows).join(",")}${q.all ? "" : first.columns.map((_, k) => at(k).fp).join(",")}`,
  );
  const column = (c: string): Trace => {
    const t = at(first.columns.indexOf(c));
    return { leaves: t.leaves, fp: hash(`${rows}|${t.fp}`) };
  };
  return { columns: first.columns, rows, column, value: column };
}

/** The relation a whole statement yields, its CTEs resolved in order. */
function queryRelation(q: QueryNode, views: Catalog): Relation {
  const catalog = new Map(views);
  for (const c of q.ctes) catalog.set(c.name, memo(setRelation(c.query, catalog)));
  return memo(selectRelation(q.body, catalog));
}

const memo = (r: Relation): Relation => {
  const seen = new Map<string, Trace>();
  return {
    columns: r.columns,
    rows: r.rows,
    value: (c) => r.value(c),
    column: (c) => {
      let v = seen.get(c);
      if (!v) {
        v = r.column(c);
        seen.set(c, v);
      }
      return v;
    },
  };
};

/** One metric's lineage: per result column, and a fingerprint of which rows it stores. */
export interface MetricLineage {
  readonly columns: ReadonlyMap<string, ColumnLineage>;
  /** Changes when the rows change (a filter, the top-N cut), whatever the values. */
  readonly rows: string;
}

/** Lineage of every result column of every metric of `job`, by metric then column. */
export function jobLineage(job: JobSpec): ReadonlyMap<string, MetricLineage> {
  const views = new Map<string, Relation>([
    [VIEWS.raw, leafRelation(VIEWS.raw, [...EVENT_COLUMNS, CORRUPT_COLUMN], (c) => `event:${c}`)],
    [VIEWS.params, leafRelation(VIEWS.params, ["window_start", "window_end"], (c) => `window:${c}`)],
  ]);
  views.set(VIEWS.classified, queryRelation(compileClassify(job), views));
  views.set(VIEWS.events, queryRelation(compileWindowEvents(job), views));
  const out = new Map<string, MetricLineage>();
  for (const m of job.metrics) {
    // An alert reads its baseline metric's stored rows through a history view of its own.
    if (m.kind === "alert") views.set(alertHistoryView(m), views.get(m.baseline.metric.name)!);
    const r = queryRelation(compileMetric(m, job), views);
    // A later metric reads this one as a temp view (this window) or as its stored history.
    const stored = readsAs(m, r);
    views.set(m.name, stored);
    out.set(m.name, {
      columns: new Map(outputColumns(m).map((c) => [c.name, described(r.value(c.name))])),
      rows: r.rows,
    });
  }
  return out;
}

/** A metric as read by another one: its columns are leaves of their own plus what feeds them. */
function readsAs(m: MetricSpec, r: Relation): Relation {
  return {
    columns: r.columns,
    rows: r.rows,
    value: (c) => r.value(c),
    column: (c) => {
      const t = r.column(c);
      return { leaves: union([new Set([`metric:${m.name}.${c}`]), t.leaves]), fp: t.fp };
    },
  };
}

const EVENT_ORDER = new Map(EVENT_COLUMNS.map((c, k) => [c as string, k]));

function described(t: Trace): ColumnLineage {
  const of = (prefix: string) =>
    [...t.leaves].filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  return Object.freeze({
    events: of("event:").sort((a, b) => EVENT_ORDER.get(a)! - EVENT_ORDER.get(b)!),
    via: of("metric:").sort(),
    window: of("window:").length > 0,
    fingerprint: t.fp,
  });
}

/** `metric.column ← a, b, c (via x.y)` — one line of `trends sparkgen lineage`. */
export function lineageLine(metric: string, column: string, l: ColumnLineage): string {
  const parts = [...l.events, ...(l.window ? ["(window bounds)"] : [])];
  const from = parts.length > 0 ? parts.join(", ") : "(no column: a count or a constant)";
  return `${metric}.${column} ← ${from}${l.via.length ? ` (via ${l.via.join(", ")})` : ""}`;
}
