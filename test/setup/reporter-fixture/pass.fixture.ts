import { expect, it } from "vitest";

it("ok", () => expect(1).toBe(1));
