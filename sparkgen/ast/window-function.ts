import { freeze } from "./freeze.ts";
import type { CallNode, ExpressionNode, OrderItemNode } from "./node.ts";

/** `fn(…) OVER (PARTITION BY … ORDER BY …)`. */
export interface WindowFunctionNode {
  readonly kind: "WindowFunctionNode";
  readonly call: CallNode;
  readonly partitionBy: readonly ExpressionNode[];
  readonly orderBy: readonly OrderItemNode[];
}

export const WindowFunctionNode = freeze({
  is: (node: { readonly kind: string }): node is WindowFunctionNode => node.kind === "WindowFunctionNode",
  create: (
    call: CallNode,
    partitionBy: readonly ExpressionNode[],
    orderBy: readonly OrderItemNode[] = [],
  ): WindowFunctionNode =>
    freeze({
      kind: "WindowFunctionNode",
      call,
      partitionBy: freeze([...partitionBy]),
      orderBy: freeze([...orderBy]),
    }),
});
