import { type Column, columnProblem, EVENT_V1, type EventColumn } from "../../sparkgen/schema/index.ts";
import type { NormalisedRecord, Sentiment } from "../types.ts";
import { overCodePoints } from "./limits.ts";
import { storable } from "./storable.ts";

/** A record that breaks the v1 contract: never written, counted by the pipeline as a bad message. */
export class EventEncodingError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(problem);
    this.name = "EventEncodingError";
  }
}

/** Prints one field's JSON value, or undefined when the value breaks its column. */
type Writer = (v: unknown) => string | undefined;

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const text = (v: string): string => JSON.stringify(storable(v));

/**
 * One writer per column, specialised once from its EVENT_V1 declaration (type, nullability,
 * bounds, enumeration, element length): the hot path runs a few typeof tests per field instead
 * of the generic validator. The two agree: a property test checks eventLine against
 * validateEvent, the reference.
 */
function writerOf(c: Column): Writer {
  const inner = ((): Writer => {
    switch (c.type) {
      case "string":
        return c.values
          ? (v) => (typeof v === "string" && c.values!.includes(v) ? text(v) : undefined)
          : (v) => (typeof v === "string" ? text(v) : undefined);
      // Checked against ISO_MS (digits, `-`, `:`, `.`, `T`, `Z`): nothing to escape.
      case "timestamp":
        return (v) =>
          typeof v === "string" && ISO_MS.test(v) && !Number.isNaN(Date.parse(v)) ? `"${v}"` : undefined;
      // In range, String() gives JSON's own number syntax; integers up to 2^53 − 1 print without
      // an exponent, so `1e+21` can never reach a line.
      case "int":
      case "long": {
        const lo = c.min ?? Number.NEGATIVE_INFINITY;
        const hi = c.max ?? Number.POSITIVE_INFINITY;
        return (v) =>
          typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi ? String(v) : undefined;
      }
      case "double": {
        const lo = c.min ?? Number.NEGATIVE_INFINITY;
        const hi = c.max ?? Number.POSITIVE_INFINITY;
        return (v) =>
          typeof v === "number" && Number.isFinite(v) && v >= lo && v <= hi ? String(v) : undefined;
      }
      case "string_array":
        return (v) => {
          if (!Array.isArray(v)) return undefined;
          let out = "[";
          for (let i = 0; i < v.length; i++) {
            const x: unknown = v[i];
            if (typeof x !== "string" || (c.maxLength !== undefined && overCodePoints(x, c.maxLength)))
              return undefined;
            out += (i === 0 ? "" : ",") + text(x);
          }
          return `${out}]`;
        };
    }
  })();
  return c.nullable ? (v) => (v === null || v === undefined ? "null" : inner(v)) : inner;
}

/** Where a field's value comes from: the record, or the sentiment passed beside it. */
type Reader = (r: Readonly<Record<string, unknown>>, s: Sentiment | null, source: string | null) => unknown;
const SENTIMENT: Readonly<Record<string, Reader>> = {
  sentiment_score: (_, s) => (s === null ? null : s.score),
  sentiment_magnitude: (_, s) => (s === null ? null : s.magnitude),
  sentiment_source: (_, s, source) => (s === null ? null : source),
};

type Field = readonly [name: EventColumn, column: Column, prefix: string, read: Reader, write: Writer];
const FIELDS: readonly Field[] = Object.entries(EVENT_V1).map(
  ([name, column], i) =>
    [
      name as EventColumn,
      column,
      `${i === 0 ? "{" : ","}${JSON.stringify(name)}:`,
      SENTIMENT[name] ?? ((r) => r[name]),
      writerOf(column),
    ] as const,
);

/**
 * One v1 NDJSON line (with its `\n`) for a normalised record and its sentiment: the one encoder
 * every event passes through on its way to a sink. Each field is checked against its EVENT_V1
 * column and printed by its type, in EVENT_V1's order; every string goes through `storable` (no
 * U+0000, no lone surrogate: PostgreSQL can store all of it). For a record that fits, the line is
 * byte-identical to `JSON.stringify({ ...record, sentiment_score, sentiment_magnitude,
 * sentiment_source })`; one that does not (a string follower count from a profile file, a score
 * of NaN) throws EventEncodingError naming the field, so no value can ever add a field, a line or
 * a number Spark cannot read. Optional columns absent from the record (the entity lists) are left out.
 */
export function eventLine(r: NormalisedRecord, s: Sentiment | null, source: string | null): string {
  const values = r as unknown as Record<string, unknown>;
  let line = "";
  for (const [name, column, prefix, read, write] of FIELDS) {
    const v = read(values, s, source);
    if (v === undefined && column.optional) continue;
    const json = write(v);
    if (json === undefined)
      throw new EventEncodingError(name, columnProblem(name, column, v) ?? `${name} is invalid`);
    line += prefix + json;
  }
  return `${line}}\n`;
}
