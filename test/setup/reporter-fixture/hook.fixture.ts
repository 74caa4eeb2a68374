import { beforeAll, describe, expect, it } from "vitest";

describe("d", () => {
  beforeAll(() => {
    throw new Error("boom in beforeAll");
  });
  it("a", () => expect(1).toBe(1));
  it("b", () => expect(1).toBe(1));
});
