/**
 * Filter literals checked against the event schema's enumerations (`values`): the types reject
 * `e.equals("ref_type", "retweet")`, this catches it in a spec written without the type checker,
 * where it would otherwise generate and silently match nothing.
 */
import type { ExpressionNode } from "../ast/index.ts";
import { EVENT_V1 } from "../schema/index.ts";
import { mapExpression } from "../transforms/map-expressions.ts";

type Add = (field: string, problem: string, fix: string) => void;

const enumerated = (name: string): readonly string[] | undefined =>
  (EVENT_V1 as Readonly<Record<string, { readonly values?: readonly string[] }>>)[name]?.values;

/** Every `column = 'x'`, `column <> 'x'` and `column IN ('x', …)` of `e` whose `x` the column never holds. */
export function enumerationProblems(field: string, e: ExpressionNode, add: Add): void {
  const check = (c: ExpressionNode, v: ExpressionNode) => {
    if (c.kind !== "ColumnNode" || v.kind !== "LiteralNode" || typeof v.value !== "string") return;
    const values = enumerated(c.name);
    if (values && !values.includes(v.value))
      add(
        field,
        `compares ${c.name} with ${JSON.stringify(v.value)}, which is not one of its values (${values.map((x) => JSON.stringify(x)).join(", ")})`,
        `use one of ${values.join(", ")}`,
      );
  };
  mapExpression(e, (x) => {
    if (x.kind === "BinaryNode" && (x.op === "=" || x.op === "<>")) {
      check(x.left, x.right);
      check(x.right, x.left);
    }
    if (x.kind === "InNode") for (const v of x.list) check(x.operand, v);
    return x;
  });
}
