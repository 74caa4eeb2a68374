import { describe, expectTypeOf, it } from "vitest";
import type { EventV1 } from "./index.ts";

describe("EventV1 type", () => {
  it("admits null only in nullable columns", () => {
    expectTypeOf<EventV1["id"]>().toEqualTypeOf<string>();
    expectTypeOf<EventV1["rules"]>().toEqualTypeOf<string[]>();
    expectTypeOf<EventV1["author_followers"]>().toEqualTypeOf<number>();
    expectTypeOf<EventV1["lang"]>().toEqualTypeOf<string | null>();
    expectTypeOf<EventV1["sentiment_score"]>().toEqualTypeOf<number | null>();
  });

  it("makes optional columns optional keys", () => {
    expectTypeOf<EventV1["hashtags"]>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<Pick<EventV1, "urls">>().toEqualTypeOf<{ urls?: string[] }>();
  });
});
