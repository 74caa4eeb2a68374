import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/** One `ORDER BY` key. */
export interface OrderItemNode {
  readonly kind: "OrderItemNode";
  readonly expr: ExpressionNode;
  readonly direction: "ASC" | "DESC";
}

export const OrderItemNode = freeze({
  is: (node: { readonly kind: string }): node is OrderItemNode => node.kind === "OrderItemNode",
  create: (expr: ExpressionNode, direction: "ASC" | "DESC" = "ASC"): OrderItemNode =>
    freeze({ kind: "OrderItemNode", expr, direction }),
});
