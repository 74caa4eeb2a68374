/**
 * Column lineage from the compiled tree: which event columns (and which other metrics' result
 * columns) feed each result column. The walk resolves every CTE and temp view back to the event
 * record, through the window-events and classify views of `compile/events.ts`, so nothing here is
 * written per metric.
 *
 * Value lineage, as SQLMesh and sqlglot define it: the columns an output expression reads —
 * operands, function arguments, CASE conditions, the ORDER BY of a window function. Apart from
 * them, `by`: the columns the rows it is computed from are filtered or joined by (WHERE and JOIN
 * ON on the way; a reference depth reads `id` and is joined by `ref_id`, a filtered count is filtered by
 * its predicate's columns). GROUP BY and PARTITION BY group rows and are left out of both, and so
 * are the event statements' own filters (validity, one copy per id), which every metric shares:
 * otherwise every column would be "filtered by" every checked column and the dedup keys.
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
import { alertHistoryView, CORRUPT_COLUMN, type CompiledJob, KEY, VIEWS } from "../compile/index.ts";
import { EVENT_COLUMNS } from "../schema/index.ts";
import type { MetricSpec } from "../spec/kinds.ts";

/** What one result column is computed from. */
export interface ColumnLineage {
  /** Event record columns, in the record's declaration order. */
  readonly events: readonly string[];
  /** Result columns of other metrics it reads (`sentiment_window.avg_score`), this window's or stored ones. */
  readonly via: readonly string[];
  /** It is (or carries) the window's bounds. */
  readonly window: boolean;
  /**
   * Event columns (and other metrics' columns) that filter or join the rows it is computed from,
   * without those already in `events`/`via`: `influencer_window.depth` reads id and is joined by ref_id.
   */
  readonly by: readonly string[];
  /**
   * A hash of everything the column's values depend on: its expression with every column it reads
   * expanded down to the event record (literals such as weights included), and the row shaping
   * (WHERE, JOIN, GROUP BY, PARTITION BY) on the way. Equal fingerprints: equal values.
   */
  readonly fingerprint: string;
}

/** A leaf of the walk: `event:<column>`, `metric:<table>.<column>` or `window:<bound>`. */
type Leaves = ReadonlySet<string>;

/** What an expression or column reads (`leaves`), what its rows are filtered or joined by (`by`), and a description of how (`fp`). */
interface Trace {
  readonly leaves: Leaves;
  readonly by: Leaves;
  readonly fp: string;
}

const NONE: Leaves = new Set();

interface Relation {
  readonly columns: readonly string[];
  /** Fingerprint of which rows it has. */
  readonly rows: string;
  /** The columns its rows were filtered or joined by on the way (every column of it has them as `by`). */
  readonly rowsBy: Leaves;
  column(name: string): Trace;
  /** The column's value alone, without this relation's own row shaping (a query's final SELECT). */
  value(name: string): Trace;
}

const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

const leafRelation = (name: string, columns: readonly string[], leaf: (c: string) => string): Relation => ({
  columns,
  rows: name,
  rowsBy: NONE,
  column: (c) => ({ leaves: new Set([leaf(c)]), by: NONE, fp: leaf(c) }),
  value: (c) => ({ leaves: new Set([leaf(c)]), by: NONE, fp: leaf(c) }),
});

const union = (sets: Iterable<Leaves>): Set<string> => {
  const out = new Set<string>();
  for (const s of sets) for (const x of s) out.add(x);
  return out;
};

/** Combines traces: `fp` is `name(a, b, …)`; `feeding` says which parts feed the value. */
const node = (name: string, parts: readonly Trace[], feeding: readonly Trace[] = parts): Trace => ({
  leaves: union(feeding.map((p) => p.leaves)),
  by: union(parts.map((p) => p.by)),
  fp: `${name}(${parts.map((p) => p.fp).join(",")})`,
});
const atom = (fp: string): Trace => ({ leaves: NONE, by: NONE, fp });

const conjuncts = (e: ExpressionNode): ExpressionNode[] =>
  e.kind === "BinaryNode" && e.op === "AND" ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];

/**
 * `a.k = b.k` for a result key column (window bounds, topic): every join of a metric matches rows
 * of the same window and topic, which says nothing about what a column is joined by.
 */
const sameKeyColumn = (e: ExpressionNode): boolean =>
  e.kind === "BinaryNode" &&
  e.op === "=" &&
  e.left.kind === "ColumnNode" &&
  e.right.kind === "ColumnNode" &&
  e.left.name === e.right.name &&
  KEY.includes(e.left.name);

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
  // What this SELECT filters or joins its rows by (every column it yields gets these as `by`).
  const by: Trace[] = [];
  if (s.from) shape.push(`from ${bind(s.from).rows}`);
  for (const j of s.joins) {
    const r = bind(j.table);
    const on = j.on ? expr(j.on) : undefined;
    const matching = j.on ? conjuncts(j.on).filter((c) => !sameKeyColumn(c)) : [];
    if (matching.length) by.push(node("and", matching.map(expr)));
    shape.push(`${j.joinType} ${r.rows} on ${on ? on.fp : ""}`);
  }
  for (const v of s.lateralViews) {
    const from = expr(v.generator);
    shape.push(`lateral ${from.fp}`);
    scope.push([
      v.alias,
      { columns: v.columns, rows: from.fp, rowsBy: from.by, column: () => from, value: () => from },
    ]);
  }
  if (s.where) {
    const where = expr(s.where);
    by.push(where);
    shape.push(`where ${where.fp}`);
  }
  if (s.groupBy.length) shape.push(`group ${s.groupBy.map((g) => expr(g).fp).join(",")}`);
  const items: [string, () => Trace][] = s.items.flatMap((i) => itemColumns(i, scope, expr));
  if (s.distinct) shape.push(`distinct ${items.map(([, t]) => t().fp).join(",")}`);
  const rows = hash(shape.join("\n"));
  const rowsBy = union([...scope.map(([, r]) => r.rowsBy), ...by.flatMap((b) => [b.leaves, b.by])]);
  const byName = new Map(items);
  const value = (c: string): Trace => {
    const f = byName.get(c);
    if (!f) throw new Error(`lineage: no column ${c}`);
    const t = f();
    return { leaves: t.leaves, by: t.by, fp: hash(t.fp) };
  };
  return {
    columns: items.map(([n]) => n),
    rows,
    rowsBy,
    value,
    column: (c) => {
      const t = value(c);
      return { leaves: t.leaves, by: union([t.by, rowsBy]), fp: hash(`${rows}|${t.fp}`) };
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
    return { leaves: t.leaves, by: t.by, fp: hash(`${rows}|${t.fp}`) };
  };
  return { columns: first.columns, rows, rowsBy: union(parts.map((p) => p.rowsBy)), column, value: column };
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
    ...r,
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

/** Lineage of every result column of every metric of the compiled job, by metric then column. */
export function jobLineage(model: CompiledJob): ReadonlyMap<string, MetricLineage> {
  const views = new Map<string, Relation>([
    [VIEWS.raw, leafRelation(VIEWS.raw, [...EVENT_COLUMNS, CORRUPT_COLUMN], (c) => `event:${c}`)],
    [VIEWS.params, leafRelation(VIEWS.params, ["window_start", "window_end"], (c) => `window:${c}`)],
  ]);
  views.set(VIEWS.classified, queryRelation(model.classify, views));
  // The event statements' filters (valid, one copy per id) are every metric's: not a column's `by`.
  views.set(VIEWS.events, withoutBy(queryRelation(model.windowEvents, views)));
  const out = new Map<string, MetricLineage>();
  for (const { spec: m, query, columns, referenceDepth } of model.metrics) {
    // An alert reads its baseline metric's stored rows through a history view of its own.
    if (m.kind === "alert") views.set(alertHistoryView(m), views.get(m.baseline.metric.name)!);
    // A depth reads the view the step's loop computes from the edges statement.
    if (referenceDepth)
      views.set(
        referenceDepth.view,
        depthRelation(queryRelation(referenceDepth.edges, views), referenceDepth.cap),
      );
    const r = queryRelation(query, views);
    // A later metric reads this one as a temp view (this window) or as its stored history.
    const stored = readsAs(m, r);
    views.set(m.name, stored);
    out.set(m.name, {
      columns: new Map(columns.map((c) => [c.name, described(r.value(c.name))])),
      rows: r.rows,
    });
  }
  return out;
}

/**
 * The view of a reference-depth loop (compile/reference-depth.ts) over its edges statement: the key
 * and tweet_id (the edges' ref_id) as the edges have them; a depth reads the referencing records
 * (id) and is joined by what they reference (ref_id), up to the cap.
 */
function depthRelation(edges: Relation, cap: number): Relation {
  const id = edges.column("id");
  const ref = edges.column("ref_id");
  const depth = node(`reference depth, cap ${cap}`, [id, ref], [id]);
  const column = (c: string): Trace => {
    if (c === "tweet_id") return ref;
    if (c === "depth") return { ...depth, by: union([depth.by, ref.leaves]) };
    return edges.column(c);
  };
  return {
    columns: [...KEY, "tweet_id", "depth"],
    rows: hash(`reference depth ${edges.rows}`),
    rowsBy: edges.rowsBy,
    column,
    value: column,
  };
}

/** A metric as read by another one: its columns are leaves of their own plus what feeds them. */
function readsAs(m: MetricSpec, r: Relation): Relation {
  return {
    ...r,
    column: (c) => {
      const t = r.column(c);
      return { ...t, leaves: union([new Set([`metric:${m.name}.${c}`]), t.leaves]) };
    },
  };
}

const withoutBy = (r: Relation): Relation => ({
  ...r,
  rowsBy: NONE,
  value: (c) => ({ ...r.value(c), by: NONE }),
  column: (c) => ({ ...r.column(c), by: NONE }),
});

const EVENT_ORDER = new Map(EVENT_COLUMNS.map((c, k) => [c as string, k]));

const byEventOrder = (a: string, b: string) => EVENT_ORDER.get(a)! - EVENT_ORDER.get(b)!;

function described(t: Trace): ColumnLineage {
  const of = (set: Leaves, prefix: string) =>
    [...set].filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  const by = [...t.by].filter((l) => !t.leaves.has(l));
  return Object.freeze({
    events: of(t.leaves, "event:").sort(byEventOrder),
    via: of(t.leaves, "metric:").sort(),
    window: of(t.leaves, "window:").length > 0,
    by: [...of(new Set(by), "event:").sort(byEventOrder), ...of(new Set(by), "metric:").sort()],
    fingerprint: t.fp,
  });
}

/** `metric.column ← a, b, c (via x.y); filtered or joined by d, e` — one line of `trends sparkgen lineage`. */
export function lineageLine(metric: string, column: string, l: ColumnLineage): string {
  const parts = [...l.events, ...(l.window ? ["(window bounds)"] : [])];
  const from = parts.length > 0 ? parts.join(", ") : "(no column: a count or a constant)";
  const by = l.by.length ? `; filtered or joined by ${l.by.join(", ")}` : "";
  return `${metric}.${column} ← ${from}${l.via.length ? ` (via ${l.via.join(", ")})` : ""}${by}`;
}
