import { freeze } from "./freeze.ts";

/** A named relation (a temp view or a CTE) with an optional alias. */
export interface TableNode {
  readonly kind: "TableNode";
  readonly name: string;
  readonly alias: string | undefined;
}

export const TableNode = freeze({
  is: (node: { readonly kind: string }): node is TableNode => node.kind === "TableNode",
  create: (name: string, alias?: string): TableNode => freeze({ kind: "TableNode", name, alias }),
});
