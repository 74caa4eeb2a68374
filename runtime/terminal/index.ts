/**
 * Neutralises what a stored value (a username, a rule tag, a step's failure reason) could do to
 * a terminal: C0 and C1 control characters (ESC sequences, OSC 8 links, CR/LF that overwrite or
 * forge lines, BEL, DEL) and the bidi controls that reorder text around them (U+061C, U+200E/F,
 * U+202A–U+202E, U+2066–U+2069). Each becomes a visible escape such as `\x1b` or `\u202e`, so the
 * value stays recognisable. Human-readable output only: `--json` prints values exactly.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const visible = (c: string): string => {
  const code = c.codePointAt(0)!;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
};

export const terminalSafe = (s: string): string => s.replace(UNSAFE, visible);
