import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LARGE_INPUT_BYTES, LOG4J_CONFIG, localInputBytes, sparkSubmitArgs } from "./index.ts";

const conf = (args: string[]) =>
  Object.fromEntries(
    args.flatMap((a, i) => (args[i - 1] === "--conf" ? [a.split(/=(.*)/s).slice(0, 2)] : [])),
  ) as Record<string, string>;

describe("sparkSubmitArgs", () => {
  it("runs a local step with a large codegen cache, C1 only, the serial collector and quiet logging (the SQL settings travel in the plan)", () => {
    const args = sparkSubmitArgs({ script: "s.py", args: ["--x"], jdbcJar: "/j.jar" });
    expect(args.slice(0, 4)).toEqual(["--master", "local[*]", "--jars", "/j.jar"]);
    expect(args.slice(-2)).toEqual(["s.py", "--x"]);
    expect(conf(args)).toEqual({
      "spark.ui.enabled": "false",
      "spark.sql.codegen.cache.maxEntries": "4000",
      "spark.driver.extraJavaOptions": `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.configurationFile=file:${LOG4J_CONFIG}`,
    });
  });

  it("lets a caller override a setting, and adds a caller's JVM options after its own", () => {
    const args = sparkSubmitArgs({
      script: "s.py",
      args: [],
      jdbcJar: "/j.jar",
      conf: {
        "spark.sql.shuffle.partitions": "8",
        "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=4",
      },
    });
    expect(conf(args)["spark.sql.shuffle.partitions"]).toBe("8");
    expect(conf(args)["spark.driver.extraJavaOptions"]).toBe(
      `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.configurationFile=file:${LOG4J_CONFIG} -XX:TieredStopAtLevel=4`,
    );
  });

  it("runs a large step with C2 and the parallel collector, a small or unsized one with C1 only and the serial collector", () => {
    const jvm = (inputBytes?: number) =>
      conf(sparkSubmitArgs({ script: "s.py", args: [], jdbcJar: "/j.jar", inputBytes }))[
        "spark.driver.extraJavaOptions"
      ];
    expect(jvm(LARGE_INPUT_BYTES)).toBe(`-XX:+UseParallelGC -Dlog4j2.configurationFile=file:${LOG4J_CONFIG}`);
    expect(jvm(LARGE_INPUT_BYTES - 1)).toMatch(/^-XX:TieredStopAtLevel=1 -XX:\+UseSerialGC /);
    expect(jvm(undefined)).toMatch(/^-XX:TieredStopAtLevel=1 -XX:\+UseSerialGC /);
  });
});

describe("localInputBytes", () => {
  it("sums the files under local prefixes, counts a missing prefix as 0, and gives up on remote ones", () => {
    const root = mkdtempSync(join(tmpdir(), "trends-jit-"));
    mkdirSync(join(root, "04", "a"), { recursive: true });
    writeFileSync(join(root, "04", "x"), "12345");
    writeFileSync(join(root, "04", "a", "y"), "123");
    expect(localInputBytes([`file://${join(root, "04")}`, join(root, "05")])).toBe(8);
    expect(localInputBytes([join(root, "04"), "s3a://bucket/raw/2026/11/26/04/"])).toBeUndefined();
    rmSync(root, { recursive: true });
  });
});
