import { freeze } from "./freeze.ts";
import type { SelectNode, UnionNode } from "./node.ts";

/** A named common table expression; `comment` says what it computes. */
export interface CteNode {
  readonly kind: "CteNode";
  readonly name: string;
  readonly comment: string;
  readonly query: SelectNode | UnionNode;
}

export const CteNode = freeze({
  is: (node: { readonly kind: string }): node is CteNode => node.kind === "CteNode",
  create: (name: string, comment: string, query: SelectNode | UnionNode): CteNode =>
    freeze({ kind: "CteNode", name, comment, query }),
});
