import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emrStepConfig } from "../runners/emr.ts";
import { startJobRunInput } from "../runners/emr-serverless.ts";
import { collectArtifacts, locateArtifacts, PLAN_KEY, planFor } from "./index.ts";

/**
 * A generated directory where spark-4.0 prints differently: `trends sparkgen` then writes that
 * target its own plan and SQL under `spark-4.0/` (sparkgen/generate.ts). The upload carries both;
 * a runner picks the plan of its cluster's or application's target, the shared one otherwise.
 */
const dir = mkdtempSync(join(tmpdir(), "trends-targets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function generatedDir(): string {
  const g = join(dir, "generated");
  for (const sub of ["steps", "sql", "spark-4.0/steps", "spark-4.0/sql"])
    mkdirSync(join(g, sub), { recursive: true });
  writeFileSync(join(g, PLAN_KEY), '{"target":"shared"}');
  writeFileSync(join(g, "sql/m.sql"), "SELECT 1");
  writeFileSync(join(g, "spark-4.0", PLAN_KEY), '{"target":"spark-4.0"}');
  writeFileSync(join(g, "spark-4.0/sql/m.sql"), "SELECT 1 -- 4.0");
  const jar = join(dir, "pg.jar");
  writeFileSync(jar, "jar");
  return g;
}

describe("per-target artifact sets", () => {
  const files = collectArtifacts({ generatedDir: generatedDir(), jdbcJar: join(dir, "pg.jar") });
  const location = locateArtifacts("bucket", files);
  const req = {
    window: { start: new Date("2026-11-26T04:15:00Z"), end: new Date("2026-11-26T04:30:00Z") },
    inputs: ["s3://bucket/raw/2026/11/26/04/"],
    jdbcUrl: "jdbc:postgresql://db:5432/trends",
  };
  const planArg = (args: readonly string[]) => args[args.indexOf("--plan") + 1];

  it("uploads the shared files and the target's own, under one content hash", () => {
    expect(files.map((f) => f.key)).toEqual(
      expect.arrayContaining([PLAN_KEY, "sql/m.sql", `spark-4.0/${PLAN_KEY}`, "spark-4.0/sql/m.sql"]),
    );
    expect(location.plan).toBe(`${location.baseUri}${PLAN_KEY}`);
  });

  it("gives a target its own plan when it has one, the shared plan otherwise", () => {
    expect(planFor(location, "spark-4.0")).toBe(`${location.baseUri}spark-4.0/${PLAN_KEY}`);
    expect(planFor(location, "spark-3.5")).toBe(location.plan);
    expect(planFor(location)).toBe(location.plan);
  });

  it("puts the target's plan into the EMR step and the EMR Serverless job run", () => {
    const step = emrStepConfig(req, { artifacts: location }, "spark-4.0");
    expect(planArg(step.HadoopJarStep!.Args!)).toBe(`${location.baseUri}spark-4.0/${PLAN_KEY}`);
    expect(planArg(emrStepConfig(req, { artifacts: location }, "spark-3.5").HadoopJarStep!.Args!)).toBe(
      location.plan,
    );
    const job = startJobRunInput(
      req,
      {
        applicationId: "00abcdef12345678",
        executionRoleArn: "arn:aws:iam::123456789012:role/trends-job",
        artifacts: location,
      },
      "spark-4.0",
    );
    expect(planArg(job.jobDriver!.sparkSubmit!.entryPointArguments!)).toBe(
      `${location.baseUri}spark-4.0/${PLAN_KEY}`,
    );
  });
});
