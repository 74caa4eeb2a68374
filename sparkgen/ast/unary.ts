import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/** A prefix operator. */
export interface UnaryNode {
  readonly kind: "UnaryNode";
  readonly op: "NOT" | "-";
  readonly operand: ExpressionNode;
}

export const UnaryNode = freeze({
  is: (node: { readonly kind: string }): node is UnaryNode => node.kind === "UnaryNode",
  create: (op: "NOT" | "-", operand: ExpressionNode): UnaryNode => freeze({ kind: "UnaryNode", op, operand }),
});
