import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../../runtime/proc.ts";
import { ensurePythonTools, type PythonTools } from "../support/python-tools.ts";
import { sparkInstall } from "../support/services.ts";
import { SPARK_TIMEOUT } from "./support.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

// The step runtime is ordinary Python: linted with ruff and unit-tested with pytest (against
// local Spark), both from here so `npm test` runs them.
describe("the step runtime (Python)", () => {
  let tools: PythonTools;
  beforeAll(async () => {
    const spark = sparkInstall();
    tools = await ensurePythonTools({ spark, install: process.env.TRENDS_TEST_NO_INSTALL !== "1" });
  }, SPARK_TIMEOUT);

  it("passes ruff check and ruff format --check", async () => {
    const check = await run(tools.python, ["-m", "ruff", "check", "."], { cwd: REPO });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const format = await run(tools.python, ["-m", "ruff", "format", "--check", "."], { cwd: REPO });
    expect(format.code, format.stdout + format.stderr).toBe(0);
  });

  it(
    "passes its pytest suite on local Spark",
    async () => {
      const r = await run(
        tools.python,
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "sparkgen/runtime/tests"],
        {
          cwd: REPO,
          env: { ...process.env, PYSPARK_PYTHON: tools.python, PYSPARK_DRIVER_PYTHON: tools.python },
        },
      );
      expect(r.code, r.stdout.slice(-4000) + r.stderr.slice(-2000)).toBe(0);
      expect(r.stdout).toMatch(/\d+ passed/);
    },
    SPARK_TIMEOUT,
  );
});
