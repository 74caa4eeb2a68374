import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/** `x IS [NOT] NULL`. */
export interface IsNullNode {
  readonly kind: "IsNullNode";
  readonly operand: ExpressionNode;
  readonly negated: boolean;
}

export const IsNullNode = freeze({
  is: (node: { readonly kind: string }): node is IsNullNode => node.kind === "IsNullNode",
  create: (operand: ExpressionNode, negated = false): IsNullNode =>
    freeze({ kind: "IsNullNode", operand, negated }),
});
