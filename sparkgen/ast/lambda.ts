import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/** A higher-order function argument `x -> body` (Spark built-ins such as `exists`). */
export interface LambdaNode {
  readonly kind: "LambdaNode";
  readonly params: readonly string[];
  readonly body: ExpressionNode;
}

export const LambdaNode = freeze({
  is: (node: { readonly kind: string }): node is LambdaNode => node.kind === "LambdaNode",
  create: (params: readonly string[], body: ExpressionNode): LambdaNode =>
    freeze({ kind: "LambdaNode", params: freeze([...params]), body }),
});
