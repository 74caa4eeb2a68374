import { freeze } from "./freeze.ts";
import type { ExpressionNode, JoinType, TableNode } from "./node.ts";

/** A join of the FROM relation with another one. */
export interface JoinNode {
  readonly kind: "JoinNode";
  readonly joinType: JoinType;
  readonly table: TableNode;
  readonly on: ExpressionNode | undefined;
}

export const JoinNode = freeze({
  is: (node: { readonly kind: string }): node is JoinNode => node.kind === "JoinNode",
  create: (joinType: JoinType, table: TableNode, on?: ExpressionNode): JoinNode =>
    freeze({ kind: "JoinNode", joinType, table, on }),
});
