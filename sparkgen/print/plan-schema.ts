/**
 * The JSON Schema of the step plan (`plan-schema.json`, beside `plan.ts`'s printer): what
 * `printPlan` writes and what the Python runtime's strict load (`trends_step/plan.py`) accepts.
 * The JSON file is the one statement: the unit tests check every generated plan against it here,
 * and pytest checks `plan.py`'s field tables against the same file.
 */
import schema from "./plan-schema.json" with { type: "json" };

/** The subset of JSON Schema the plan schema uses. */
export interface PlanSchema {
  readonly type?: string | readonly string[];
  readonly const?: unknown;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, PlanSchema>>;
  readonly additionalProperties?: boolean | PlanSchema;
  readonly items?: PlanSchema;
}

export const PLAN_SCHEMA: PlanSchema = schema;

const typeOf = (v: unknown): string => {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
};

/**
 * Where `value` breaks `s`, one line per problem with its JSON path (`$.metrics[3].history`);
 * empty when it conforms.
 *
 * @example
 *   planSchemaProblems(JSON.parse(readFileSync("sparkgen/generated/steps/window_job.json", "utf8"))); // []
 */
export function planSchemaProblems(value: unknown, s: PlanSchema = PLAN_SCHEMA, path = "$"): string[] {
  const actual = typeOf(value);
  const types = s.type === undefined ? undefined : typeof s.type === "string" ? [s.type] : s.type;
  if (types && !types.includes(actual) && !(actual === "integer" && types.includes("number"))) {
    return [`${path} is ${actual}, not ${types.join(" or ")}`];
  }
  if ("const" in s && value !== s.const)
    return [`${path} is ${JSON.stringify(value)}, not ${JSON.stringify(s.const)}`];
  if (actual === "array" && s.items) {
    const items = s.items;
    return (value as unknown[]).flatMap((v, i) => planSchemaProblems(v, items, `${path}[${i}]`));
  }
  if (actual !== "object") return [];
  const doc = value as Readonly<Record<string, unknown>>;
  const problems = (s.required ?? []).filter((k) => !(k in doc)).map((k) => `${path}.${k} is missing`);
  for (const [k, v] of Object.entries(doc)) {
    const own = s.properties?.[k];
    if (own) problems.push(...planSchemaProblems(v, own, `${path}.${k}`));
    else if (s.additionalProperties === false) problems.push(`${path}.${k} is not a field of the plan`);
    else if (typeof s.additionalProperties === "object") {
      problems.push(...planSchemaProblems(v, s.additionalProperties, `${path}.${k}`));
    }
  }
  return problems;
}
