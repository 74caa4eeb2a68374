import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/** `x [NOT] IN (a, b, …)` over a list of expressions. */
export interface InNode {
  readonly kind: "InNode";
  readonly operand: ExpressionNode;
  readonly list: readonly ExpressionNode[];
  readonly negated: boolean;
}

export const InNode = freeze({
  is: (node: { readonly kind: string }): node is InNode => node.kind === "InNode",
  create: (operand: ExpressionNode, list: readonly ExpressionNode[], negated = false): InNode =>
    freeze({ kind: "InNode", operand, list: freeze([...list]), negated }),
});
