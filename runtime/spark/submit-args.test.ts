import { describe, expect, it } from "vitest";
import { LOG4J_CONFIG, sparkSubmitArgs } from "./index.ts";

const conf = (args: string[]) =>
  Object.fromEntries(
    args.flatMap((a, i) => (args[i - 1] === "--conf" ? [a.split(/=(.*)/s).slice(0, 2)] : [])),
  ) as Record<string, string>;

describe("sparkSubmitArgs", () => {
  it("runs a local step with 4 partitions, no adaptive re-planning, a large codegen cache, C1 only and quiet logging", () => {
    const args = sparkSubmitArgs({ script: "s.py", args: ["--x"], jdbcJar: "/j.jar" });
    expect(args.slice(0, 4)).toEqual(["--master", "local[*]", "--jars", "/j.jar"]);
    expect(args.slice(-2)).toEqual(["s.py", "--x"]);
    expect(conf(args)).toEqual({
      "spark.ui.enabled": "false",
      "spark.sql.shuffle.partitions": "4",
      "spark.sql.adaptive.enabled": "false",
      "spark.sql.codegen.cache.maxEntries": "4000",
      "spark.driver.extraJavaOptions": `-XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile=file:${LOG4J_CONFIG}`,
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
      `-XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile=file:${LOG4J_CONFIG} -XX:TieredStopAtLevel=4`,
    );
  });
});
