import type { CommandModule } from "yargs";
import { log } from "../../runtime/log/index.ts";
import { ensureMoto } from "../../runtime/moto/index.ts";
import { ensureS3aJars, ensureSpark } from "../../runtime/spark/index.ts";
import { ensureVader } from "../../runtime/vader/index.ts";
import { settingsFrom } from "../context.ts";

export const setup: CommandModule<object, { "with-moto"?: boolean; "with-s3a"?: boolean }> = {
  command: "setup",
  describe:
    "provision what can be provisioned: the pinned PySpark, the JDBC driver, VADER's lexicons (and moto)",
  builder: (y) =>
    y
      .option("with-s3a", {
        type: "boolean",
        default: false,
        describe: "also fetch hadoop-aws for reading s3a:// from local Spark (the demo's AWS path)",
      })
      .option("with-moto", {
        type: "boolean",
        default: false,
        describe: "also install moto's server (local AWS endpoint for tests and the demo's AWS path)",
      }),
  handler: async (argv) => {
    const s = settingsFrom(argv);
    const spark = await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome, install: true });
    log().info({ sparkSubmit: spark.sparkSubmit, jdbcJar: spark.jdbcJar }, "Spark ready");
    const vader = await ensureVader({ cacheDir: s.cacheDir, install: true });
    log().info(
      { lexicon: vader.lexicon, emojiLexicon: vader.emojiLexicon },
      `vaderSentiment ${vader.version} ready`,
    );
    if (argv["with-s3a"])
      log().info({ jars: await ensureS3aJars({ cacheDir: s.cacheDir, install: true }) }, "s3a jars ready");
    if (argv["with-moto"])
      log().info({ moto: await ensureMoto({ cacheDir: s.cacheDir, install: true }) }, "moto ready");
  },
};
