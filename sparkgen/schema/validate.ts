import type { Column } from "./columns.ts";
import { EVENT_V1, type EventV1 } from "./event-v1.ts";

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Length in code points, as Spark's `length` counts characters. */
export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Why `v` breaks column `c` of the contract, or undefined when it fits. */
export function columnProblem(name: string, c: Column, v: unknown): string | undefined {
  if (v === null || v === undefined) return c.nullable ? undefined : `${name} is missing`;
  switch (c.type) {
    case "string":
      if (typeof v !== "string") return `${name} is not a string`;
      if (c.values && !c.values.includes(v)) return `${name} is not one of ${c.values.join(", ")}`;
      return undefined;
    case "timestamp":
      return typeof v === "string" && ISO_MS.test(v) && !Number.isNaN(Date.parse(v))
        ? undefined
        : `${name} is not an ISO-8601 UTC timestamp with milliseconds`;
    case "int":
    case "long":
    case "double": {
      if (typeof v !== "number" || !Number.isFinite(v)) return `${name} is not a number`;
      if (c.type !== "double" && !Number.isInteger(v)) return `${name} is not an integer`;
      if (c.min !== undefined && v < c.min) return `${name} is below ${c.min}`;
      if (c.max !== undefined && v > c.max) return `${name} is above ${c.max}`;
      return undefined;
    }
    case "string_array":
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
        return `${name} is not an array of strings`;
      if (c.maxLength !== undefined && v.some((x) => codePoints(x) > c.maxLength!))
        return `${name} has an element longer than ${c.maxLength} characters`;
      return undefined;
  }
}

/** Checks a parsed JSON value against the v1 contract; the reason names the first bad field. */
export function validateEvent(value: unknown): Validation<EventV1> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { ok: false, reason: "not an object" };
  const o = value as Record<string, unknown>;
  for (const [name, c] of Object.entries(EVENT_V1)) {
    const reason = columnProblem(name, c, o[name]);
    if (reason) return { ok: false, reason };
  }
  return { ok: true, value: o as unknown as EventV1 };
}
