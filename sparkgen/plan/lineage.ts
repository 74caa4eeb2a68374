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
import type {
  ExpressionNode,
  QueryNode,
  SelectItemNode,
  SelectNode,
  TableNode,
  UnionNode,
} from "../ast/index.ts";
import {
  CORRUPT_COLUMN,
  compileClassify,
  compileMetric,
  compileWindowEvents,
  historyView,
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
}

/** A leaf of the walk: `event:<column>`, `metric:<table>.<column>` or `window:<bound>`. */
type Leaves = ReadonlySet<string>;

interface Relation {
  readonly columns: readonly string[];
  lineage(column: string): Leaves;
}

const leafRelation = (columns: readonly string[], leaf: (c: string) => string): Relation => ({
  columns,
  lineage: (c) => new Set([leaf(c)]),
});

const union = (sets: Iterable<Leaves>): Set<string> => {
  const out = new Set<string>();
  for (const s of sets) for (const x of s) out.add(x);
  return out;
};

/** The columns a relation name resolves to, by scope: CTEs first, then the job's temp views. */
type Catalog = ReadonlyMap<string, Relation>;

function selectRelation(s: SelectNode, catalog: Catalog): Relation {
  // alias (or name) → relation, in FROM/JOIN order; lateral views add generated columns.
  const scope: [string, Relation][] = [];
  const bind = (t: TableNode) => {
    const r = catalog.get(t.name);
    if (!r) throw new Error(`lineage: ${t.name} is neither a CTE nor a known view`);
    scope.push([t.alias ?? t.name, r]);
  };
  if (s.from) bind(s.from);
  for (const j of s.joins) bind(j.table);
  const find = (name: string, table: string | undefined): Relation => {
    const hit = scope.find(([alias, r]) => (table ? alias === table : r.columns.includes(name)));
    if (!hit) throw new Error(`lineage: column ${table ? `${table}.` : ""}${name} not found`);
    return hit[1];
  };
  const bound = new Set<string>();
  const expr = (e: ExpressionNode): Leaves => {
    switch (e.kind) {
      case "ColumnNode":
        if (!e.table && bound.has(e.name)) return new Set();
        return find(e.name, e.table).lineage(e.name);
      case "LiteralNode":
      case "StarNode":
      case "IntervalNode":
        return new Set();
      case "BinaryNode":
        return union([expr(e.left), expr(e.right)]);
      case "UnaryNode":
      case "CastNode":
      case "IsNullNode":
        return expr(e.operand);
      case "CallNode":
        return union(e.args.map(expr));
      case "CaseNode":
        return union([
          ...e.whens.flatMap((w) => [expr(w.when), expr(w.result)]),
          ...(e.otherwise ? [expr(e.otherwise)] : []),
        ]);
      case "InNode":
        return union([expr(e.operand), ...e.list.map(expr)]);
      case "LambdaNode": {
        for (const p of e.params) bound.add(p);
        const body = expr(e.body);
        for (const p of e.params) bound.delete(p);
        return body;
      }
      case "WindowFunctionNode":
        // PARTITION BY groups rows; ORDER BY decides the value (a rank).
        return union([expr(e.call), ...e.orderBy.map((o) => expr(o.expr))]);
      case "NormaliseNode":
        return expr(e.operand);
      case "ShareNode":
        return union([expr(e.when), ...(e.of ? [expr(e.of)] : [])]);
    }
  };
  for (const v of s.lateralViews) {
    const from = expr(v.generator);
    scope.push([v.alias, { columns: v.columns, lineage: () => from }]);
  }
  const items: [string, () => Leaves][] = s.items.flatMap((i) => itemColumns(i, scope, expr));
  const byName = new Map(items);
  return {
    columns: items.map(([n]) => n),
    lineage: (c) => {
      const f = byName.get(c);
      if (!f) throw new Error(`lineage: no column ${c}`);
      return f();
    },
  };
}

function itemColumns(
  i: SelectItemNode,
  scope: readonly [string, Relation][],
  expr: (e: ExpressionNode) => Leaves,
): [string, () => Leaves][] {
  if (i.expr.kind === "StarNode") {
    const table = i.expr.table;
    return scope
      .filter(([alias]) => !table || alias === table)
      .flatMap(([, r]) => r.columns.map((c): [string, () => Leaves] => [c, () => r.lineage(c)]));
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
  return {
    columns: first.columns,
    // UNION matches columns by position.
    lineage: (c) => {
      const k = first.columns.indexOf(c);
      return union(parts.map((p) => p.lineage(p.columns[k]!)));
    },
  };
}

/** The relation a whole statement yields, its CTEs resolved in order. */
function queryRelation(q: QueryNode, views: Catalog): Relation {
  const catalog = new Map(views);
  for (const c of q.ctes) catalog.set(c.name, memo(setRelation(c.query, catalog)));
  return memo(selectRelation(q.body, catalog));
}

const memo = (r: Relation): Relation => {
  const seen = new Map<string, Leaves>();
  return {
    columns: r.columns,
    lineage: (c) => {
      let v = seen.get(c);
      if (!v) {
        v = r.lineage(c);
        seen.set(c, v);
      }
      return v;
    },
  };
};

/** Lineage of every result column of every metric of `job`, by metric then column. */
export function jobLineage(job: JobSpec): ReadonlyMap<string, ReadonlyMap<string, ColumnLineage>> {
  const views = new Map<string, Relation>([
    [VIEWS.raw, leafRelation([...EVENT_COLUMNS, CORRUPT_COLUMN], (c) => `event:${c}`)],
    [VIEWS.params, leafRelation(["window_start", "window_end"], (c) => `window:${c}`)],
  ]);
  views.set(VIEWS.classified, queryRelation(compileClassify(job), views));
  views.set(VIEWS.events, queryRelation(compileWindowEvents(job), views));
  const out = new Map<string, ReadonlyMap<string, ColumnLineage>>();
  for (const m of job.metrics) {
    const r = queryRelation(compileMetric(m, job), views);
    // A later metric reads this one as a temp view (this window) or as its stored history.
    const stored = readsAs(m, r);
    views.set(m.name, stored);
    views.set(historyView(m.name), stored);
    out.set(m.name, new Map(outputColumns(m).map((c) => [c.name, described(r.lineage(c.name))])));
  }
  return out;
}

/** A metric as read by another one: its columns are leaves of their own plus what feeds them. */
function readsAs(m: MetricSpec, r: Relation): Relation {
  return {
    columns: r.columns,
    lineage: (c) => union([new Set([`metric:${m.name}.${c}`]), r.lineage(c)]),
  };
}

const EVENT_ORDER = new Map(EVENT_COLUMNS.map((c, k) => [c as string, k]));

function described(leaves: Leaves): ColumnLineage {
  const of = (prefix: string) =>
    [...leaves].filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  return Object.freeze({
    events: of("event:").sort((a, b) => EVENT_ORDER.get(a)! - EVENT_ORDER.get(b)!),
    via: of("metric:").sort(),
    window: of("window:").length > 0,
  });
}

/** `metric.column ← a, b, c (via x.y)` — one line of `trends sparkgen lineage`. */
export function lineageLine(metric: string, column: string, l: ColumnLineage): string {
  const parts = [
    ...l.events,
    ...(l.window ? ["(window bounds)"] : []),
  ];
  const from = parts.length > 0 ? parts.join(", ") : "(no column: a count or a constant)";
  return `${metric}.${column} ← ${from}${l.via.length ? ` (via ${l.via.join(", ")})` : ""}`;
}
