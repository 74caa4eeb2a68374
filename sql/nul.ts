import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from "kysely";
import { usageError } from "../runtime/errors/index.ts";

/** PostgreSQL `text` cannot hold U+0000; say so before the server answers with an encoding error. */
export function assertNoNul(value: string, what = "a text value"): void {
  if (value.includes("\u0000")) {
    throw usageError(
      `${what} contains a NUL character (U+0000), which PostgreSQL text cannot store`,
      "remove the NUL character from the value",
    );
  }
}

class NulChecker extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    check(node.value);
    return node;
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    for (const v of node.values) check(v);
    return node;
  }
}

const check = (v: unknown): void => {
  if (typeof v === "string") assertNoNul(v, "a query parameter");
};

/** Rejects every string parameter holding NUL with a TrendsError (exit 2), for every query through openDb. */
export class RejectNulPlugin implements KyselyPlugin {
  readonly #checker = new NulChecker();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#checker.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
