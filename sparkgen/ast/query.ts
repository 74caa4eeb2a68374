import { freeze } from "./freeze.ts";
import type { CteNode, SelectNode } from "./node.ts";

/**
 * A whole statement: named CTEs then the final SELECT. `header` lines become the leading
 * `--` comment (the source spec, what the query reads).
 */
export interface QueryNode {
  readonly kind: "QueryNode";
  readonly header: readonly string[];
  readonly ctes: readonly CteNode[];
  readonly body: SelectNode;
}

export const QueryNode = freeze({
  is: (node: { readonly kind: string }): node is QueryNode => node.kind === "QueryNode",
  create: (header: readonly string[], ctes: readonly CteNode[], body: SelectNode): QueryNode =>
    freeze({ kind: "QueryNode", header: freeze([...header]), ctes: freeze([...ctes]), body }),
});
