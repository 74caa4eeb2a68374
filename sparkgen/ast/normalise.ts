import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/**
 * `c(x) = ln(1 + x) / ln(1 + max x)` with the max taken over `partitionBy`, 0 when the max is 0
 * (docs/contracts.md, influencers). A spec-level node: `transforms/lower-normalise` rewrites it.
 * `max`, when set, is a column that already holds `max x` over the partition
 * (`transforms/hoist-maxima`): the lowering reads it instead of a window of its own.
 */
export interface NormaliseNode {
  readonly kind: "NormaliseNode";
  readonly operand: ExpressionNode;
  readonly partitionBy: readonly ExpressionNode[];
  readonly max: ExpressionNode | undefined;
}

export const NormaliseNode = freeze({
  is: (node: { readonly kind: string }): node is NormaliseNode => node.kind === "NormaliseNode",
  create: (
    operand: ExpressionNode,
    partitionBy: readonly ExpressionNode[],
    max?: ExpressionNode,
  ): NormaliseNode => freeze({ kind: "NormaliseNode", operand, partitionBy: freeze([...partitionBy]), max }),
});
