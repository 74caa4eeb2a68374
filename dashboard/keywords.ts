/**
 * The query's own keywords: the words a topic's rule matches on, written as the word cloud stores
 * words (`word_window`: lower-case, split on anything but letters, digits, `_`, `#` and `'`, `'`
 * trimmed, 3+ characters not counting `#`, not all digits). Every tweet of a topic carries them, so
 * they would dominate its cloud; the page leaves them out unless asked.
 */

/** A rule value's positive terms: words, "phrases" and #tags; `-x`, `lang:xx` and `OR` match no word. */
const TERM = /(-?)(?:"([^"]*)"|(\S+))/g;

const tokens = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_#']+/u)
    .map((t) => t.replace(/^'+|'+$/g, ""))
    .filter((t) => [...t.replace(/#/g, "")].length >= 3 && !/^#*\d+$/.test(t));

/**
 * The keywords of one topic: its tag's words and, when its rule is known (a local rules file), the
 * rule's words, phrases and hashtags; each with and without `#`, since a tweet may write either.
 *
 * @example topicKeywords("acme", "acme OR \"acme corp\" OR #acmeday -spam lang:en")
 * // ["#acme", "#acmeday", "#corp", "acme", "acmeday", "corp"]
 */
export function topicKeywords(tag: string, ruleValue?: string): string[] {
  const words = tokens(tag.replace(/-/g, " "));
  for (const m of ruleValue?.matchAll(TERM) ?? []) {
    const term = m[2] ?? m[3] ?? "";
    if (m[1] === "-" || /^lang:/i.test(term) || term === "OR") continue;
    words.push(...tokens(term));
  }
  const bare = words.map((w) => w.replace(/^#+/, ""));
  return [...new Set(bare.flatMap((w) => [w, `#${w}`]))].sort();
}

/** A topic's rule as the page needs it: the tag and, when known, the rule's value. */
export interface TopicRule {
  tag: string;
  value?: string;
}

/**
 * The keywords to leave out of `topic`'s cloud: its own, or for `*` (all tweets) those of every
 * tracked topic, since the catch-all topic holds every topic's tweets.
 */
export function keywordsOf(topic: string, rules: readonly TopicRule[]): string[] {
  const own = rules.filter((r) => topic === "*" || r.tag === topic);
  if (topic !== "*" && own.length === 0) own.push({ tag: topic });
  return [...new Set(own.flatMap((r) => topicKeywords(r.tag, r.value)))].sort();
}
