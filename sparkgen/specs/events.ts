import { EVENT_V1 } from "../schema/index.ts";
import { dsl } from "../spec/dsl.ts";

/** The spec DSL bound to the v1 event record: every column name below is type-checked. */
export const e = dsl(EVENT_V1);
