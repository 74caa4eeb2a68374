import { freeze } from "./freeze.ts";
import type { ExpressionNode } from "./node.ts";

/** A searched `CASE WHEN … THEN … ELSE … END`. */
export interface CaseNode {
  readonly kind: "CaseNode";
  readonly whens: readonly { readonly when: ExpressionNode; readonly result: ExpressionNode }[];
  readonly otherwise: ExpressionNode | undefined;
}

export const CaseNode = freeze({
  is: (node: { readonly kind: string }): node is CaseNode => node.kind === "CaseNode",
  create: (
    whens: readonly { when: ExpressionNode; result: ExpressionNode }[],
    otherwise?: ExpressionNode,
  ): CaseNode => freeze({ kind: "CaseNode", whens: freeze(whens.map((w) => freeze({ ...w }))), otherwise }),
});
