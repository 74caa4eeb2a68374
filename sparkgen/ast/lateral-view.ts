import { freeze } from "./freeze.ts";
import type { CallNode } from "./node.ts";

/** `LATERAL VIEW explode(…) alias AS column` — works on Spark 3.5 and 4.x alike. */
export interface LateralViewNode {
  readonly kind: "LateralViewNode";
  readonly generator: CallNode;
  readonly alias: string;
  readonly columns: readonly string[];
}

export const LateralViewNode = freeze({
  is: (node: { readonly kind: string }): node is LateralViewNode => node.kind === "LateralViewNode",
  create: (generator: CallNode, alias: string, columns: readonly string[]): LateralViewNode =>
    freeze({ kind: "LateralViewNode", generator, alias, columns: freeze([...columns]) }),
});
