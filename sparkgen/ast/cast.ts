import { freeze } from "./freeze.ts";
import type { ExpressionNode, SparkType } from "./node.ts";

/** `CAST(x AS type)` to one of the Spark types the generator uses. */
export interface CastNode {
  readonly kind: "CastNode";
  readonly operand: ExpressionNode;
  readonly type: SparkType;
}

export const CastNode = freeze({
  is: (node: { readonly kind: string }): node is CastNode => node.kind === "CastNode",
  create: (operand: ExpressionNode, type: SparkType): CastNode => freeze({ kind: "CastNode", operand, type }),
});
