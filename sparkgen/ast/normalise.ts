import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/**
 * `c(x) = ln(1 + x) / ln(1 + max x)` with the max taken over `partitionBy`, 0 when the max is 0
 * (docs/contracts.md, influencers). A spec-level node: `transforms/lower-normalise` rewrites it.
 */
export interface NormaliseNode {
  readonly kind: "NormaliseNode";
  readonly operand: ExpressionNode;
  readonly partitionBy: readonly ExpressionNode[];
}

export const NormaliseNode = freeze({
  is: (node: { readonly kind: string }): node is NormaliseNode => node.kind === "NormaliseNode",
  create: (operand: ExpressionNode, partitionBy: readonly ExpressionNode[]): NormaliseNode =>
    freeze({ kind: "NormaliseNode", operand, partitionBy: freeze([...partitionBy]) }),
});
