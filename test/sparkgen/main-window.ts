import { fixtureRoot, windowOf } from "./support.ts";

/*
 * The generated window step over test/fixtures/sparkgen/main (its records and the rows worked out
 * by hand from them are in sparkgen/specs/fixtures/main.ts, where the specs' cases run them too).
 * Here: what the raw files add, 30 lines = 8 bad (2 unparseable, 6 breaking the contract: v=2,
 * score 1.5, null id, ref_type "liked", followers "many", created_at "26/11/2026 04:50") + 22
 * records; 1001 delivered twice (the 05/ copy, ingested later, wins) and 1003 twice (identical)
 * → 2 duplicates; 1007, 1008 and 1009 outside W → 17 events. Inputs 03/ (missing), 04/, 05/.
 */
export const W = windowOf("2026-11-26T04:45:00.000Z");
export const MAIN = fixtureRoot("main");

export const EXPECTED_STATS = { rows_read: 30, bad_records: 8, duplicates: 2, events: 17 };

export {
  EXPECTED_INFLUENCERS,
  EXPECTED_SENTIMENT,
  EXPECTED_WORDS,
} from "../../sparkgen/specs/fixtures/main.ts";
