import { usageError } from "../../runtime/errors/index.ts";
import type { SentimentAnalyser } from "../types.ts";
import { createGoogleAnalyser, type GoogleAnalyserOptions } from "./google/index.ts";
import { createNoneAnalyser } from "./none/index.ts";
import { createVaderAnalyser, type VaderOptions } from "./vader/index.ts";

export * from "./google/index.ts";
export { createNoneAnalyser } from "./none/index.ts";
export * from "./vader/index.ts";

export const ANALYSER_NAMES = ["google", "vader", "none"] as const;
export type AnalyserName = (typeof ANALYSER_NAMES)[number];

export interface AnalyserOptions {
  google?: GoogleAnalyserOptions;
  vader?: VaderOptions;
}

/**
 * The analyser behind `--sentiment google|vader|none`.
 *
 * @example const a = createAnalyser("vader"); await a.analyse([{ text: "great 😍", lang: "en" }]);
 */
export function createAnalyser(
  name: AnalyserName | string,
  options: AnalyserOptions = {},
): SentimentAnalyser {
  switch (name) {
    case "google":
      return createGoogleAnalyser(options.google);
    case "vader":
      return createVaderAnalyser(options.vader);
    case "none":
      return createNoneAnalyser();
    default:
      throw usageError(`unknown sentiment analyser "${name}"`, `use one of ${ANALYSER_NAMES.join(", ")}`);
  }
}
