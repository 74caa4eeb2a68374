import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { sparkSubmit } from "../runtime/spark/index.ts";
import { sparkInstall } from "./support/services.ts";

const TINY = fileURLToPath(new URL("./harness/tiny.py", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "trends-cds-it-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tiny job on the default Spark with its archives in `dir`, logging where classes came from. */
async function tiny(loadLog: string) {
  const r = await sparkSubmit({
    spark: { ...sparkInstall(), cdsDir: join(dir, "cds") },
    script: TINY,
    args: [],
    master: "local[1]",
    conf: { "spark.driver.extraJavaOptions": `-Xlog:class+load=info:file=${join(dir, loadLog)}` },
  });
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
  // The JVM's CDS warnings (hundreds at a dump) would land in the stdout the steps are parsed from.
  expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/\[cds/);
  expect(r.stdout).toContain("TINY 10");
  return readFileSync(join(dir, loadLog), "utf8");
}

describe("the driver's class-data archive on a real spark-submit", () => {
  it("is made by the first submit and maps the classes of the second", async () => {
    const first = await tiny("first.log");
    expect(readdirSync(join(dir, "cds"))).toEqual([expect.stringMatching(/^spark-.+-[0-9a-f]{12}\.jsa$/)]);
    expect(first).not.toContain("shared objects file (top)");
    const second = await tiny("second.log");
    // "(top)" is the dynamic archive on top of the JDK's own base archive.
    expect(second).toMatch(/org\.apache\.spark\.SparkContext source: shared objects file \(top\)/);
  });
});
