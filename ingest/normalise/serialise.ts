import { type Column, columnProblem, EVENT_V1, type EventColumn } from "../../sparkgen/schema/index.ts";
import type { NormalisedRecord, Sentiment } from "../types.ts";
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

const string = (v: string): string => JSON.stringify(storable(v));

/** How each column type is printed, once its value has passed the column's contract check. */
const PRINT: Record<Column["type"], (v: never) => string> = {
  string,
  // Checked against ISO_MS (digits, `-`, `:`, `.`, `T`, `Z`): nothing to escape.
  timestamp: (v: string) => `"${v}"`,
  // Checked finite and in range: String() gives JSON's own number syntax (integers up to 2^53 − 1
  // print without an exponent, so `1e+21` can never reach a line).
  int: (v: number) => String(v),
  long: (v: number) => String(v),
  double: (v: number) => String(v),
  string_array: (v: readonly string[]) => `[${v.map(string).join(",")}]`,
};

type Field = readonly [name: EventColumn, column: Column, prefix: string];
const FIELDS: readonly Field[] = Object.entries(EVENT_V1).map(
  ([name, column], i) =>
    [name as EventColumn, column, `${i === 0 ? "{" : ","}${JSON.stringify(name)}:`] as const,
);

/**
 * One v1 NDJSON line (with its `\n`) for a normalised record and its sentiment: the one encoder
 * every event passes through on its way to a sink. Each field is checked against its EVENT_V1
 * column (type, bounds, enumerations) and printed by its type, in EVENT_V1's order; every string
 * goes through `storable` (no U+0000, no lone surrogate: PostgreSQL can store all of it). For a
 * record that fits, the line is byte-identical to
 * `JSON.stringify({ ...record, sentiment_score, sentiment_magnitude, sentiment_source })`; one that
 * does not (a string follower count from a profile file, a score of NaN) throws
 * EventEncodingError, so no value can ever add a field, a line or a number Spark cannot read.
 * Optional columns absent from the record (the entity lists) are left out.
 */
export function eventLine(r: NormalisedRecord, s: Sentiment | null, source: string | null): string {
  const sentiment = {
    sentiment_score: s === null ? null : s.score,
    sentiment_magnitude: s === null ? null : s.magnitude,
    sentiment_source: s === null ? null : source,
  };
  const values = r as unknown as Record<string, unknown>;
  let line = "";
  for (const [name, column, prefix] of FIELDS) {
    const v = name in sentiment ? sentiment[name as keyof typeof sentiment] : values[name];
    if (v === undefined && column.optional) continue;
    const problem = columnProblem(name, column, v);
    if (problem !== undefined) throw new EventEncodingError(name, problem);
    line += prefix + (v === null || v === undefined ? "null" : PRINT[column.type](v as never));
  }
  return `${line}}\n`;
}
