/**
 * Short builders over the node factories, so the compile stage reads like the SQL it makes:
 * `sql.select([sql.as(sql.count(), "n")], { from: sql.table("events") })`.
 */
import { BinaryNode } from "./binary.ts";
import { CallNode } from "./call.ts";
import { CaseNode } from "./case.ts";
import { CastNode } from "./cast.ts";
import { ColumnNode } from "./column.ts";
import { CteNode } from "./cte.ts";
import { InNode } from "./in.ts";
import { IsNullNode } from "./is-null.ts";
import { JoinNode } from "./join.ts";
import { LambdaNode } from "./lambda.ts";
import { LateralViewNode } from "./lateral-view.ts";
import { LiteralNode } from "./literal.ts";
import type { ExpressionNode, JoinType, SparkType } from "./node.ts";
import { NormaliseNode } from "./normalise.ts";
import { OrderItemNode } from "./order-item.ts";
import { SelectNode, type SelectProps } from "./select.ts";
import { SelectItemNode } from "./select-item.ts";
import { ShareNode } from "./share.ts";
import { StarNode } from "./star.ts";
import { TableNode } from "./table.ts";
import { UnaryNode } from "./unary.ts";
import { UnionNode } from "./union.ts";
import { WindowFunctionNode } from "./window-function.ts";

type Operand = ExpressionNode | string | number | boolean | null;

/** A bare string is a column name (`"t.topic"` qualifies it); wrap literals with `lit`. */
export const ex = (v: Operand): ExpressionNode => {
  if (typeof v === "string") {
    const dot = v.indexOf(".");
    return dot < 0 ? ColumnNode.create(v) : ColumnNode.create(v.slice(dot + 1), v.slice(0, dot));
  }
  if (v === null || typeof v === "number" || typeof v === "boolean") return LiteralNode.create(v);
  return v;
};

export const col = (name: string, table?: string) => ColumnNode.create(name, table);
export const lit = (value: string | number | boolean | null) => LiteralNode.create(value);
export const star = (table?: string) => StarNode.create(table);
export const fn = (name: string, ...args: Operand[]) => CallNode.create(name, args.map(ex));
export const countDistinct = (...args: Operand[]) => CallNode.create("count", args.map(ex), true);
export const count = (arg: Operand = lit(1)) =>
  CallNode.create("count", [typeof arg === "number" ? lit(arg) : ex(arg)]);
export const op = (left: Operand, o: BinaryNode["op"], right: Operand) =>
  BinaryNode.create(ex(left), o, ex(right));
export const eq = (l: Operand, r: Operand) => op(l, "=", r);
export const and = (...parts: ExpressionNode[]): ExpressionNode =>
  parts.reduce((acc, p) => BinaryNode.create(acc, "AND", p));
export const or = (...parts: ExpressionNode[]): ExpressionNode =>
  parts.reduce((acc, p) => BinaryNode.create(acc, "OR", p));
export const not = (e: ExpressionNode) => UnaryNode.create("NOT", e);
export const isNull = (e: Operand) => IsNullNode.create(ex(e));
export const isNotNull = (e: Operand) => IsNullNode.create(ex(e), true);
export const inList = (e: Operand, list: Operand[], negated = false) =>
  InNode.create(ex(e), list.map(ex), negated);
export const caseWhen = (whens: [Operand, Operand][], otherwise?: Operand) =>
  CaseNode.create(
    whens.map(([w, t]) => ({ when: ex(w), result: ex(t) })),
    otherwise === undefined ? undefined : ex(otherwise),
  );
export const cast = (e: Operand, type: SparkType) => CastNode.create(ex(e), type);
export const over = (call: CallNode, partitionBy: Operand[], orderBy: OrderItemNode[] = []) =>
  WindowFunctionNode.create(call, partitionBy.map(ex), orderBy);
export const asc = (e: Operand) => OrderItemNode.create(ex(e), "ASC");
export const desc = (e: Operand) => OrderItemNode.create(ex(e), "DESC");
export const lambda = (params: string[], body: ExpressionNode) => LambdaNode.create(params, body);
export const share = (when: ExpressionNode, of?: ExpressionNode) => ShareNode.create(when, of);
export const normalise = (e: Operand, partitionBy: Operand[]) =>
  NormaliseNode.create(ex(e), partitionBy.map(ex));
/**
 * `Σ weight · c(x)` with c the normalisation over `partitionBy` (docs/contracts.md "Influencers":
 * the influencer score, and the metric kind's `score`).
 */
export const weightedScore = (terms: readonly (readonly [number, Operand])[], partitionBy: Operand[]) =>
  terms
    .map(([w, x]): ExpressionNode => op(lit(w), "*", normalise(x, partitionBy)))
    .reduce((a, b) => op(a, "+", b));

/** A select item; a bare string selects that column under its own name. */
export const as = (e: Operand, alias?: string) => SelectItemNode.create(ex(e), alias);
export const items = (...cols: (Operand | SelectItemNode)[]) =>
  cols.map((c) => (c !== null && typeof c === "object" && SelectItemNode.is(c) ? c : as(c as Operand)));

export const table = (name: string, alias?: string) => TableNode.create(name, alias);
export const join = (type: JoinType, t: TableNode, on?: ExpressionNode) => JoinNode.create(type, t, on);
/** A join with a small relation, broadcast to every task (JoinNode.broadcast). */
export const broadcastJoin = (type: JoinType, t: TableNode, on?: ExpressionNode) =>
  JoinNode.create(type, t, on, true);
export const lateralView = (generator: ReturnType<typeof fn>, alias: string, columns: string[]) =>
  LateralViewNode.create(generator, alias, columns);
export const select = (cols: (Operand | SelectItemNode)[], props: SelectProps = {}) =>
  SelectNode.create(items(...cols), props);
export const unionAll = (...selects: SelectNode[]) => UnionNode.create(selects, true);
/** `UNION` (distinct). */
export const unionDistinct = (selects: SelectNode[]) => UnionNode.create(selects, false);
export const cte = (name: string, comment: string, query: SelectNode | UnionNode) =>
  CteNode.create(name, comment, query);
