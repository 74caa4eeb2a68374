import { usageError } from "../../runtime/errors/index.ts";
import { TARGETS } from "../../sparkgen/index.ts";

/** A Spark target of the generated step (`sparkgen/print/dialect.ts`): `spark-3.5`, `spark-4.0`. */
export type SparkTarget = (typeof TARGETS)[number]["name"];

/** Every target the committed generated step is printed for. */
export const STEP_TARGETS: readonly SparkTarget[] = TARGETS.map((t) => t.name);

/**
 * The Spark target of an EMR release label: EMR 7.x ships Spark 3.5 (7.13: 3.5.6), Amazon's
 * runtime `emr-spark-8.*` Spark 4.0 (8.0.0: 4.0.2). Anything else (EMR 6.x: Spark 3.4 and older)
 * is not a target. https://docs.aws.amazon.com/emr/latest/ReleaseGuide/
 */
export function sparkTargetOf(releaseLabel: string): SparkTarget | undefined {
  if (/^emr-7\.\d+\.\d+$/.test(releaseLabel)) return "spark-3.5";
  if (/^emr-spark-8\.\d+\.\d+$/.test(releaseLabel)) return "spark-4.0";
  return undefined;
}

/**
 * Refuses, before anything is submitted, a cluster or application whose release label is not a
 * target the uploaded step was generated for.
 */
export function checkTarget(
  where: string,
  releaseLabel: string | undefined,
  stepTargets: readonly SparkTarget[] = STEP_TARGETS,
): SparkTarget | undefined {
  if (releaseLabel === undefined || releaseLabel === "") return undefined;
  const target = sparkTargetOf(releaseLabel);
  if (!target || !stepTargets.includes(target)) {
    throw usageError(
      `${where} runs ${releaseLabel}${target ? ` (${target})` : ""}, which the generated step does not target (it targets ${stepTargets.join(", ")})`,
      "use release label emr-7.x (Spark 3.5) or emr-spark-8.0.0 (Spark 4.0); see emr/README.md",
    );
  }
  return target;
}
