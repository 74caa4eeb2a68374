import { freeze } from "./freeze.ts";

/** A column reference, optionally qualified by a relation alias. */
export interface ColumnNode {
  readonly kind: "ColumnNode";
  readonly table: string | undefined;
  readonly name: string;
}

export const ColumnNode = freeze({
  is: (node: { readonly kind: string }): node is ColumnNode => node.kind === "ColumnNode",
  create: (name: string, table?: string): ColumnNode => freeze({ kind: "ColumnNode", table, name }),
});
