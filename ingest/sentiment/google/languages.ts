/**
 * Languages Google's analyzeSentiment supports
 * (https://cloud.google.com/natural-language/docs/languages). A text tagged with another language
 * is not sent (it would fail with INVALID_ARGUMENT and still be billed as a request).
 */
const SUPPORTED = new Set([
  "ar",
  "zh",
  "zh-Hant",
  "nl",
  "en",
  "fr",
  "de",
  "id",
  "it",
  "ja",
  "ko",
  "pt",
  "es",
  "th",
  "tr",
  "vi",
]);

/** X's codes that differ from Google's (X still uses the old ISO 639 code for Indonesian). */
const X_TO_GOOGLE: Readonly<Record<string, string>> = { in: "id", "zh-cn": "zh", "zh-tw": "zh-Hant" };

/** X's "undetermined" and "no linguistic content" style tags: let Google detect the language. */
const UNDETERMINED = new Set(["und", "zxx", "qme", "qam", "qct", "qht", "art"]);

/**
 * The language hint for a text: `undefined` to let Google detect it, a Google code, or `null`
 * when the text is in a language Google cannot score.
 */
export function googleLanguage(lang: string | null): string | undefined | null {
  if (lang === null || lang === "" || UNDETERMINED.has(lang)) return undefined;
  const code = X_TO_GOOGLE[lang.toLowerCase()] ?? lang;
  return SUPPORTED.has(code) ? code : null;
}
