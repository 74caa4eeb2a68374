import { describe, expect, it } from "vitest";
import { isTrendsError } from "../../runtime/errors/index.ts";
import { checkTarget, STEP_TARGETS, sparkTargetOf } from "./spark-target.ts";

describe("Spark target of a release label", () => {
  it("maps EMR 7.x to spark-3.5 and emr-spark-8.* to spark-4.0, nothing else", () => {
    expect(sparkTargetOf("emr-7.13.0")).toBe("spark-3.5");
    expect(sparkTargetOf("emr-7.0.0")).toBe("spark-3.5");
    expect(sparkTargetOf("emr-spark-8.0.0")).toBe("spark-4.0");
    expect(sparkTargetOf("emr-6.15.0")).toBeUndefined();
    expect(sparkTargetOf("emr-70.1.0")).toBeUndefined();
    expect(STEP_TARGETS).toEqual(["spark-3.5", "spark-4.0"]);
  });

  it("refuses a label the step does not target, naming both, as a usage error", () => {
    expect(checkTarget("EMR cluster j-1", "emr-spark-8.0.0")).toBe("spark-4.0");
    expect(checkTarget("EMR cluster j-1", undefined)).toBeUndefined();
    const old = (() => {
      try {
        checkTarget("EMR cluster j-1", "emr-6.15.0");
      } catch (e) {
        return e;
      }
    })();
    expect(isTrendsError(old) && old.exitCode).toBe(2);
    expect((old as Error).message).toBe(
      "EMR cluster j-1 runs emr-6.15.0, which the generated step does not target (it targets spark-3.5, spark-4.0)",
    );
    expect(() => checkTarget("EMR Serverless application 00fa", "emr-spark-8.0.0", ["spark-3.5"])).toThrow(
      "EMR Serverless application 00fa runs emr-spark-8.0.0 (spark-4.0), which the generated step does not target (it targets spark-3.5)",
    );
  });
});
