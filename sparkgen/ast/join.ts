import { freeze } from "./freeze.ts";
import type { ExpressionNode, JoinType, TableNode } from "./node.ts";

/** A join of the FROM relation with another one. */
export interface JoinNode {
  readonly kind: "JoinNode";
  readonly joinType: JoinType;
  readonly table: TableNode;
  readonly on: ExpressionNode | undefined;
  /**
   * The joined relation is small (a few rows per window): Spark is told to broadcast it, so the
   * large side is not shuffled. Spark cannot know it: adaptive execution is off and a cached
   * aggregate's size estimate is its input's.
   */
  readonly broadcast: boolean;
}

export const JoinNode = freeze({
  is: (node: { readonly kind: string }): node is JoinNode => node.kind === "JoinNode",
  create: (joinType: JoinType, table: TableNode, on?: ExpressionNode, broadcast = false): JoinNode =>
    freeze({ kind: "JoinNode", joinType, table, on, broadcast }),
});
