import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planSchemaProblems } from "./plan-schema.ts";

const STEPS = fileURLToPath(new URL("../generated/steps/", import.meta.url));
const plans = readdirSync(STEPS).filter((f) => f.endsWith(".json"));
const read = (file: string) => JSON.parse(readFileSync(join(STEPS, file), "utf8")) as Record<string, unknown>;

describe("the step plan's JSON Schema", () => {
  it("finds the generated plans", () => {
    expect(plans).toContain("window_job.json");
  });

  it.each(plans)("accepts the generated %s", (file) => {
    expect(planSchemaProblems(read(file))).toEqual([]);
  });

  it("names a missing, unknown or mistyped field by its path", () => {
    const plan = read("window_job.json");
    const [first, ...rest] = plan.metrics as Record<string, unknown>[];
    const { commit_column: _, ...noCommit } = first!;
    const bad = {
      ...plan,
      version: 2,
      extra: true,
      metrics: [{ ...noCommit, rewrites_after: "8" }, ...rest],
    };
    expect(planSchemaProblems(bad)).toEqual([
      "$.version is 2, not 3",
      "$.metrics[0].commit_column is missing",
      "$.metrics[0].rewrites_after is string, not integer",
      "$.extra is not a field of the plan",
    ]);
  });
});
