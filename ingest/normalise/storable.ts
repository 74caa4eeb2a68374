// ES2024's String#isWellFormed/toWellFormed exist on Node 20 but not in the project's ES2023 lib.
type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const native = typeof (String.prototype as Partial<WellFormedString>).isWellFormed === "function";

/** Replaces lone surrogates with U+FFFD. */
export function wellFormed(s: string): string {
  if (native) return (s as WellFormedString).isWellFormed() ? s : (s as WellFormedString).toWellFormed();
  return s.replace(LONE_SURROGATE, "\uFFFD");
}

/** What a value's unstorable code points become (docs/contracts.md, "Strings"). */
export const REPLACEMENT = "\uFFFD";

/**
 * A string PostgreSQL can store: U+0000 (which `text` refuses, and `json` refuses as `\u0000`) and
 * lone surrogates (not UTF-8 at all) become U+FFFD. Replaced, not dropped: `bo\0b` must not turn
 * into a real user's `bob`, and the damage stays visible. Every other code point is storable; bidi
 * and control characters are kept as sent and neutralised where they are shown.
 */
export function storable(s: string): string {
  const w = wellFormed(s);
  return w.includes("\u0000") ? w.replaceAll("\u0000", REPLACEMENT) : w;
}
