import { freeze } from "./freeze.ts";

/** `*` or `alias.*`. */
export interface StarNode {
  readonly kind: "StarNode";
  readonly table: string | undefined;
}

export const StarNode = freeze({
  is: (node: { readonly kind: string }): node is StarNode => node.kind === "StarNode",
  create: (table?: string): StarNode => freeze({ kind: "StarNode", table }),
});
