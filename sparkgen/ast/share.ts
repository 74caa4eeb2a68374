import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/**
 * An aggregate: the share of rows where `when` holds among rows where `of` holds (NULL when
 * none do). A spec-level node: `transforms/lower-share` rewrites it to `count_if(…) / nullif(…)`.
 */
export interface ShareNode {
  readonly kind: "ShareNode";
  readonly when: ExpressionNode;
  readonly of: ExpressionNode | undefined;
}

export const ShareNode = freeze({
  is: (node: { readonly kind: string }): node is ShareNode => node.kind === "ShareNode",
  create: (when: ExpressionNode, of?: ExpressionNode): ShareNode => freeze({ kind: "ShareNode", when, of }),
});
