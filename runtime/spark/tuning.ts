/**
 * The step's static Spark settings: Spark reads them only at start, so every runner (local, EMR,
 * EMR Serverless) passes them as `--conf`. The runtime SQL settings travel in the plan
 * (sparkgen/print/tuning.ts, STEP_SESSION), the shuffle partitions are sized by the step
 * (trends_step/tuning.py), and the driver's JIT and collector by the runner (jvm.ts).
 */
export const STEP_SUBMIT_CONF: Readonly<Record<string, string>> = {
  // The windows of a range step run the same queries; Spark keeps 100 compiled classes by default,
  // fewer than a window's ~100 stages and their expressions, so each window compiled nearly all of
  // them again. BENCHMARKS.md, "Small windows: one action per metric, coalesced events, codegen cache".
  "spark.sql.codegen.cache.maxEntries": "4000",
};
