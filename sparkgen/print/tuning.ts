/**
 * The step's Spark tuning, stated once for every runner (local, EMR, EMR Serverless), so each runs
 * what the benchmark measured (BENCHMARKS.md, "The optimizer").
 *
 * - STEP_SESSION: runtime SQL settings, printed into the plan's `session` and set by the step.
 * - STEP_SUBMIT_CONF (runtime/spark/tuning.ts): static settings Spark reads only at start, passed
 *   as `--conf` by each runner.
 *
 * The shuffle partitions are a runtime rule, not a constant: the step sets them from its input
 * size and the cluster's cores (trends_step/tuning.py).
 */

export const STEP_SESSION: Readonly<Record<string, string>> = {
  // The step's shuffles are sized by its input (tuning.py); adaptive execution re-plans each of a
  // window's ~100 small stages for nothing. BENCHMARKS.md, "Small windows: literal frames, C1 and AQE".
  "spark.sql.adaptive.enabled": "false",
  // Input splits of at most 32 MiB: a 128 MiB Firehose object is 4 tasks, so every core works on a
  // window of a few large objects (Spark's default split is 128 MiB).
  "spark.sql.files.maxPartitionBytes": "32m",
};
