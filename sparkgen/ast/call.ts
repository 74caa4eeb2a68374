import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/** A built-in function call; the printer checks the name against the dialect's function list. */
export interface CallNode {
  readonly kind: "CallNode";
  readonly name: string;
  readonly args: readonly ExpressionNode[];
  readonly distinct: boolean;
}

export const CallNode = freeze({
  is: (node: { readonly kind: string }): node is CallNode => node.kind === "CallNode",
  create: (name: string, args: readonly ExpressionNode[], distinct = false): CallNode =>
    freeze({ kind: "CallNode", name, args: freeze([...args]), distinct }),
});
