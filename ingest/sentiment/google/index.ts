export {
  createGoogleAnalyser,
  type GoogleAnalyser,
  type GoogleAnalyserMetrics,
  type GoogleAnalyserOptions,
} from "./analyser.ts";
export { googleLanguage } from "./languages.ts";
