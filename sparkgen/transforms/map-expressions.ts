/**
 * Bottom-up rewriting of every expression in a query: the one traversal transforms share.
 * Pure: returns a new tree and leaves the input untouched. Every node with children is rebuilt, even
 * where nothing changed; only leaves (columns, literals, `*`) the rewrite returns as they
 * are keep their identity, so identity does not tell whether a rewrite changed the tree.
 */
import {
  BinaryNode,
  CallNode,
  CaseNode,
  CastNode,
  CteNode,
  type ExpressionNode,
  InNode,
  IsNullNode,
  JoinNode,
  LambdaNode,
  LateralViewNode,
  NormaliseNode,
  OrderItemNode,
  QueryNode,
  SelectItemNode,
  SelectNode,
  ShareNode,
  UnaryNode,
  UnionNode,
  WindowFunctionNode,
} from "../ast/index.ts";

export type ExpressionRewrite = (e: ExpressionNode) => ExpressionNode;

function children(e: ExpressionNode, f: (x: ExpressionNode) => ExpressionNode): ExpressionNode {
  switch (e.kind) {
    case "BinaryNode":
      return BinaryNode.create(f(e.left), e.op, f(e.right));
    case "CallNode":
      return CallNode.create(e.name, e.args.map(f), e.distinct);
    case "CaseNode":
      return CaseNode.create(
        e.whens.map((w) => ({ when: f(w.when), result: f(w.result) })),
        e.otherwise && f(e.otherwise),
      );
    case "CastNode":
      return CastNode.create(f(e.operand), e.type);
    case "InNode":
      return InNode.create(f(e.operand), e.list.map(f), e.negated);
    case "IsNullNode":
      return IsNullNode.create(f(e.operand), e.negated);
    case "LambdaNode":
      return LambdaNode.create(e.params, f(e.body));
    case "UnaryNode":
      return UnaryNode.create(e.op, f(e.operand));
    case "WindowFunctionNode":
      return WindowFunctionNode.create(
        f(e.call) as CallNode,
        e.partitionBy.map(f),
        e.orderBy.map((o) => OrderItemNode.create(f(o.expr), o.direction)),
      );
    case "ShareNode":
      return ShareNode.create(f(e.when), e.of && f(e.of));
    case "NormaliseNode":
      return NormaliseNode.create(f(e.operand), e.partitionBy.map(f), e.max && f(e.max));
    case "ColumnNode":
    case "LiteralNode":
    case "StarNode":
      return e;
  }
}

export function mapExpression(e: ExpressionNode, rewrite: ExpressionRewrite): ExpressionNode {
  return rewrite(children(e, (x) => mapExpression(x, rewrite)));
}

function mapSelect(s: SelectNode, rewrite: ExpressionRewrite): SelectNode {
  const m = (e: ExpressionNode) => mapExpression(e, rewrite);
  return SelectNode.with(s, {
    items: s.items.map((i) => SelectItemNode.create(m(i.expr), i.alias)),
    joins: s.joins.map((j) => JoinNode.create(j.joinType, j.table, j.on && m(j.on), j.broadcast)),
    lateralViews: s.lateralViews.map((v) =>
      LateralViewNode.create(m(v.generator) as CallNode, v.alias, v.columns),
    ),
    where: s.where && m(s.where),
    groupBy: s.groupBy.map(m),
    orderBy: s.orderBy.map((o) => OrderItemNode.create(m(o.expr), o.direction)),
  });
}

/** Applies `rewrite` to every expression of every CTE and of the final SELECT. */
export function mapQueryExpressions(q: QueryNode, rewrite: ExpressionRewrite): QueryNode {
  return QueryNode.create(
    q.header,
    q.ctes.map((c) =>
      CteNode.create(
        c.name,
        c.comment,
        c.query.kind === "SelectNode"
          ? mapSelect(c.query, rewrite)
          : UnionNode.create(
              c.query.selects.map((s) => mapSelect(s, rewrite)),
              c.query.all,
            ),
      ),
    ),
    mapSelect(q.body, rewrite),
  );
}
