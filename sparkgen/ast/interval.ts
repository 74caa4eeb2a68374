import { freeze } from "./freeze.ts";

/** A day-time interval literal such as `INTERVAL '120' MINUTE`. */
export interface IntervalNode {
  readonly kind: "IntervalNode";
  readonly amount: number;
  readonly unit: "MINUTE" | "HOUR" | "DAY";
}

export const IntervalNode = freeze({
  is: (node: { readonly kind: string }): node is IntervalNode => node.kind === "IntervalNode",
  create: (amount: number, unit: "MINUTE" | "HOUR" | "DAY"): IntervalNode =>
    freeze({ kind: "IntervalNode", amount, unit }),
});
