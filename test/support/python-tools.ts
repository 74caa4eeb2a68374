import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { prerequisiteError } from "../../runtime/errors/index.ts";
import { run, withFileLock } from "../../runtime/proc.ts";
import type { SparkInstall } from "../../runtime/spark/index.ts";

/** Pinned like PySpark: the same lint and test results on every machine. */
export const PYTHON_TOOLS = { pytest: "9.2.0", ruff: "0.17.5" } as const;

export interface PythonTools {
  /** The tools venv's python: runs `-m pytest` and `-m ruff`, and imports the pinned PySpark. */
  readonly python: string;
}

/**
 * A venv of its own for pytest and ruff (the shared PySpark venv stays as `trends setup` made it),
 * with a `.pth` file that puts the PySpark venv's site-packages on its path. Made once per cache, by
 * the test that needs it (`install`), so `npm test` on a fresh clone provisions it.
 */
export async function ensurePythonTools(o: { spark: SparkInstall; install: boolean }): Promise<PythonTools> {
  const { spark } = o;
  const sparkVenv = dirname(dirname(spark.python));
  const cache = existsSync(join(sparkVenv, "bin", "spark-submit"))
    ? dirname(sparkVenv)
    : join(homedir(), ".cache", "trends");
  const dir = join(cache, `pytools-pytest${PYTHON_TOOLS.pytest}-ruff${PYTHON_TOOLS.ruff}`);
  const python = join(dir, "bin", "python");
  const ready = join(dir, ".trends-ready");
  if (existsSync(ready)) return { python };
  if (!o.install)
    throw prerequisiteError(
      `pytest and ruff are not in ${dir}`,
      "run `npm test` without TRENDS_TEST_NO_INSTALL",
    );
  await withFileLock(`${dir}.lock`, async () => {
    if (existsSync(ready)) return;
    await must("python3", ["-m", "venv", "--clear", dir]);
    await must(join(dir, "bin", "pip"), [
      "install",
      "--quiet",
      `pytest==${PYTHON_TOOLS.pytest}`,
      `ruff==${PYTHON_TOOLS.ruff}`,
    ]);
    const sitePackages = await sitePackagesOf(spark.python);
    const lib = join(dir, "lib");
    const own = readdirSync(lib).find((n) => n.startsWith("python"))!;
    writeFileSync(join(lib, own, "site-packages", "trends-pyspark.pth"), `${sitePackages}\n`);
    writeFileSync(ready, `${JSON.stringify(PYTHON_TOOLS)}\n`);
  });
  return { python };
}

async function sitePackagesOf(python: string): Promise<string> {
  const r = await run(python, [
    "-c",
    "import pyspark, os; print(os.path.dirname(os.path.dirname(pyspark.__file__)))",
  ]);
  if (r.code !== 0) throw new Error(`${python} cannot import pyspark: ${r.stderr.slice(-500)}`);
  return r.stdout.trim();
}

async function must(cmd: string, args: string[]): Promise<void> {
  const r = await run(cmd, args);
  if (r.code !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.slice(-1000)}`);
}
