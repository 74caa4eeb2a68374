import { freeze } from "./freeze.ts";

/** A constant: string, number, boolean or NULL. */
export interface LiteralNode {
  readonly kind: "LiteralNode";
  readonly value: string | number | boolean | null;
}

export const LiteralNode = freeze({
  is: (node: { readonly kind: string }): node is LiteralNode => node.kind === "LiteralNode",
  create: (value: string | number | boolean | null): LiteralNode => freeze({ kind: "LiteralNode", value }),
});
