import { describe, expect, it } from "vitest";
import { unavailableReason } from "./errors.ts";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("unavailableReason", () => {
  it("treats network and connection-class errors as an unreachable database", () => {
    for (const code of ["ECONNREFUSED", "ENOTFOUND", "08006", "57P01", "28P01", "53300", "3D000"]) {
      expect([code, unavailableReason(withCode(code))]).toEqual([code, { reason: "unreachable" }]);
    }
    expect(unavailableReason(new Error("timeout exceeded when trying to connect"))).toEqual({
      reason: "unreachable",
    });
    expect(unavailableReason(new Error("wrapped", { cause: withCode("ECONNRESET") }))).toEqual({
      reason: "unreachable",
    });
  });

  it("recognises missing tables, and leaves real bugs alone", () => {
    expect(unavailableReason(withCode("42P01"))).toEqual({ reason: "not migrated" });
    expect(unavailableReason(withCode("57014"))).toEqual({ reason: "timeout" });
    expect(unavailableReason(withCode("42703", 'column "x" does not exist'))).toBeUndefined();
    expect(unavailableReason(new TypeError("undefined is not a function"))).toBeUndefined();
    expect(unavailableReason("a string")).toBeUndefined();
  });
});
