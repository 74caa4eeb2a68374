import type { CommandModule } from "yargs";
import { log } from "../../runtime/log/index.ts";
import { ensureMoto } from "../../runtime/moto/index.ts";
import { ensureSpark } from "../../runtime/spark/index.ts";
import { settingsFrom } from "../context.ts";

export const setup: CommandModule<object, { "with-moto"?: boolean }> = {
  command: "setup",
  describe: "provision what can be provisioned: the pinned PySpark, the JDBC driver (and moto)",
  builder: (y) =>
    y.option("with-moto", {
      type: "boolean",
      default: false,
      describe: "also install moto's server (local AWS endpoint for tests and the demo's AWS path)",
    }),
  handler: async (argv) => {
    const s = settingsFrom(argv);
    const spark = await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome, install: true });
    log().info({ sparkSubmit: spark.sparkSubmit, jdbcJar: spark.jdbcJar }, "Spark ready");
    if (argv["with-moto"])
      log().info({ moto: await ensureMoto({ cacheDir: s.cacheDir, install: true }) }, "moto ready");
  },
};
