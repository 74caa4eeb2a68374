/** Pure tree → tree rewrites, applied in order before printing. */
import type { QueryNode } from "../ast/index.ts";
import { hoistMaxima } from "./hoist-maxima.ts";
import { lowerNormalise } from "./lower-normalise.ts";
import { lowerShare } from "./lower-share.ts";
import { mapQueryExpressions } from "./map-expressions.ts";

export { hoistMaxima } from "./hoist-maxima.ts";
export { lowerNormalise } from "./lower-normalise.ts";
export { lowerShare } from "./lower-share.ts";
export { type ExpressionRewrite, mapExpression, mapQueryExpressions } from "./map-expressions.ts";

/** Every lowering the printers need: spec-level nodes become plain Spark SQL (maxima hoisted first). */
export const lower = (q: QueryNode): QueryNode =>
  mapQueryExpressions(mapQueryExpressions(hoistMaxima(q), lowerShare), lowerNormalise);
