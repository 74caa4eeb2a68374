import type { SentimentAnalyser } from "../../types.ts";

/** `--sentiment none`: scores nothing; every record goes out with null sentiment. */
export function createNoneAnalyser(): SentimentAnalyser {
  return { name: "none", analyse: async (items) => items.map(() => null) };
}
