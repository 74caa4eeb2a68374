import { freeze } from "./freeze.ts";
import type { SelectNode } from "./node.ts";

/** `UNION ALL` (or `UNION`) of SELECTs with the same columns. */
export interface UnionNode {
  readonly kind: "UnionNode";
  readonly all: boolean;
  readonly selects: readonly SelectNode[];
}

export const UnionNode = freeze({
  is: (node: { readonly kind: string }): node is UnionNode => node.kind === "UnionNode",
  create: (selects: readonly SelectNode[], all = true): UnionNode =>
    freeze({ kind: "UnionNode", all, selects: freeze([...selects]) }),
});
