import { freeze } from "./freeze.ts";
import type { BinaryOperator, ExpressionNode } from "./node.ts";

/** An infix operator. */
export interface BinaryNode {
  readonly kind: "BinaryNode";
  readonly op: BinaryOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}

export const BinaryNode = freeze({
  is: (node: { readonly kind: string }): node is BinaryNode => node.kind === "BinaryNode",
  create: (left: ExpressionNode, op: BinaryOperator, right: ExpressionNode): BinaryNode =>
    freeze({ kind: "BinaryNode", op, left, right }),
});
