import { describe, expect, it } from "vitest";
import { describeExternal } from "./errors.ts";

describe("describeExternal", () => {
  it("turns a refused connection into one line naming the address", () => {
    const e = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
      address: "127.0.0.1",
      port: 9,
      $metadata: { attempts: 5 },
    });
    expect(describeExternal(e)?.message).toBe("cannot reach 127.0.0.1:9 (ECONNREFUSED) after 5 attempts");
  });

  it("names an AWS service error and its status", () => {
    const e = Object.assign(new Error("Stream trends-raw not found"), {
      name: "ResourceNotFoundException",
      $metadata: { httpStatusCode: 400 },
    });
    expect(describeExternal(e)?.message).toBe(
      "AWS ResourceNotFoundException (HTTP 400): Stream trends-raw not found",
    );
  });

  it("turns a server shutdown (57P01) into one line, not a bug report", () => {
    const e = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
      severity: "FATAL",
    });
    expect(describeExternal(e)?.message).toBe(
      "the database ended the connection (57P01: terminating connection due to administrator command)",
    );
  });

  it("leaves bugs alone", () => {
    expect(describeExternal(new TypeError("x is undefined"))).toBeUndefined();
  });
});
