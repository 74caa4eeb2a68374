import type { BinaryNode } from "./binary.ts";
import type { CallNode } from "./call.ts";
import type { CaseNode } from "./case.ts";
import type { CastNode } from "./cast.ts";
import type { ColumnNode } from "./column.ts";
import type { CteNode } from "./cte.ts";
import type { InNode } from "./in.ts";
import type { IsNullNode } from "./is-null.ts";
import type { JoinNode } from "./join.ts";
import type { LambdaNode } from "./lambda.ts";
import type { LateralViewNode } from "./lateral-view.ts";
import type { LiteralNode } from "./literal.ts";
import type { NormaliseNode } from "./normalise.ts";
import type { OrderItemNode } from "./order-item.ts";
import type { QueryNode } from "./query.ts";
import type { SelectNode } from "./select.ts";
import type { SelectItemNode } from "./select-item.ts";
import type { ShareNode } from "./share.ts";
import type { StarNode } from "./star.ts";
import type { TableNode } from "./table.ts";
import type { UnaryNode } from "./unary.ts";
import type { UnionNode } from "./union.ts";
import type { WindowFunctionNode } from "./window-function.ts";

export type {
  BinaryNode,
  CallNode,
  CaseNode,
  CastNode,
  ColumnNode,
  CteNode,
  InNode,
  IsNullNode,
  JoinNode,
  LambdaNode,
  LateralViewNode,
  LiteralNode,
  NormaliseNode,
  OrderItemNode,
  QueryNode,
  SelectItemNode,
  SelectNode,
  ShareNode,
  StarNode,
  TableNode,
  UnaryNode,
  UnionNode,
  WindowFunctionNode,
};

/** Anything that yields a value inside a SELECT. */
export type ExpressionNode =
  | BinaryNode
  | CallNode
  | CaseNode
  | CastNode
  | ColumnNode
  | InNode
  | IsNullNode
  | LambdaNode
  | LiteralNode
  | NormaliseNode
  | ShareNode
  | StarNode
  | UnaryNode
  | WindowFunctionNode;

/** Every node of the Spark SQL tree; printers keep a `Record<NodeKind, …>` over it. */
export type Node =
  | ExpressionNode
  | CteNode
  | JoinNode
  | LateralViewNode
  | OrderItemNode
  | QueryNode
  | SelectItemNode
  | SelectNode
  | TableNode
  | UnionNode;

export type NodeKind = Node["kind"];

export type BinaryOperator =
  | "+"
  | "-"
  | "*"
  | "/"
  | "="
  | "<>"
  | "<"
  | "<="
  | ">"
  | ">="
  | "AND"
  | "OR"
  | "RLIKE";

export type JoinType = "INNER" | "LEFT" | "CROSS" | "LEFT ANTI" | "LEFT SEMI";

/** The Spark SQL types the generator casts to or declares. */
export type SparkType = "STRING" | "INT" | "BIGINT" | "DOUBLE" | "BOOLEAN" | "TIMESTAMP";
