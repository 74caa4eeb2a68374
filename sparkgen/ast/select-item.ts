import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/** One output column of a SELECT, with an optional alias. */
export interface SelectItemNode {
  readonly kind: "SelectItemNode";
  readonly expr: ExpressionNode;
  readonly alias: string | undefined;
}

export const SelectItemNode = freeze({
  is: (node: { readonly kind: string }): node is SelectItemNode => node.kind === "SelectItemNode",
  create: (expr: ExpressionNode, alias?: string): SelectItemNode =>
    freeze({ kind: "SelectItemNode", expr, alias }),
});
