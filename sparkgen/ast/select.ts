import { freeze } from "./freeze.ts";
import type {
  ExpressionNode,
  JoinNode,
  LateralViewNode,
  OrderItemNode,
  SelectItemNode,
  TableNode,
} from "./node.ts";

/** One SELECT block. Absent clauses are empty lists or undefined, never sentinel nodes. */
export interface SelectNode {
  readonly kind: "SelectNode";
  readonly distinct: boolean;
  readonly items: readonly SelectItemNode[];
  readonly from: TableNode | undefined;
  readonly joins: readonly JoinNode[];
  readonly lateralViews: readonly LateralViewNode[];
  readonly where: ExpressionNode | undefined;
  readonly groupBy: readonly ExpressionNode[];
  readonly orderBy: readonly OrderItemNode[];
}

export type SelectProps = Partial<Omit<SelectNode, "kind" | "items">>;

export const SelectNode = freeze({
  is: (node: { readonly kind: string }): node is SelectNode => node.kind === "SelectNode",
  create: (items: readonly SelectItemNode[], props: SelectProps = {}): SelectNode =>
    freeze({
      kind: "SelectNode",
      distinct: props.distinct ?? false,
      items: freeze([...items]),
      from: props.from,
      joins: freeze([...(props.joins ?? [])]),
      lateralViews: freeze([...(props.lateralViews ?? [])]),
      where: props.where,
      groupBy: freeze([...(props.groupBy ?? [])]),
      orderBy: freeze([...(props.orderBy ?? [])]),
    }),
  /** A copy with some clauses replaced (what transforms use). */
  with: (node: SelectNode, props: Partial<Omit<SelectNode, "kind">>): SelectNode =>
    freeze({ ...node, ...props }),
});
