/**
 * The entities of a synthetic text, spelled as X API v2 sends them (`data.entities`), so normalise
 * fills `hashtags`, `mentions` and `urls` from the synthetic stream exactly as from the real one.
 */
export interface TextEntities {
  /** Without `#`, as written. */
  hashtags: string[];
  /** Without `@`, as written. */
  mentions: string[];
  /** The t.co link in the text and the URL it stands for. */
  urls: { url: string; expanded: string }[];
}

export const noEntities = (): TextEntities => ({ hashtags: [], mentions: [], urls: [] });

/** Code-point offsets of the first occurrence of `token` at or after `from` (X counts code points). */
function span(text: string, token: string, from: number): { start: number; end: number; next: number } {
  const at = text.indexOf(token, from);
  const start = [...text.slice(0, Math.max(at, 0))].length;
  return { start, end: start + [...token].length, next: at + token.length };
}

/** X's `entities` object for `text`, or undefined when it has none (X omits the field then). */
export function xEntities(text: string, e: TextEntities): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let from = 0;
  if (e.mentions.length > 0)
    out.mentions = e.mentions.map((username) => {
      const s = span(text, `@${username}`, from);
      from = s.next;
      return { start: s.start, end: s.end, username };
    });
  from = 0;
  if (e.hashtags.length > 0)
    out.hashtags = e.hashtags.map((tag) => {
      const s = span(text, `#${tag}`, from);
      from = s.next;
      return { start: s.start, end: s.end, tag };
    });
  from = 0;
  if (e.urls.length > 0)
    out.urls = e.urls.map(({ url, expanded }) => {
      const s = span(text, url, from);
      from = s.next;
      return {
        start: s.start,
        end: s.end,
        url,
        expanded_url: expanded,
        display_url: expanded.replace(/^https?:\/\//, ""),
      };
    });
  return Object.keys(out).length > 0 ? out : undefined;
}
