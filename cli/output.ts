import { terminalSafe } from "../runtime/terminal/index.ts";

/**
 * The one writer of human-readable lines on stdout: each line is neutralised (terminalSafe), so
 * a value with ESC, CR/LF or a bidi override cannot rewrite the terminal or forge a line. JSON
 * output does not go through here.
 */
export function printLines(...lines: string[]): void {
  process.stdout.write(`${lines.map(terminalSafe).join("\n")}\n`);
}

export type Column<R> = [header: string, value: (r: R) => string, align?: "right"];

/** Aligned columns for a terminal; numbers right-aligned; cells neutralised (terminalSafe). */
export function formatTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const cells = rows.map((r) => columns.map(([, value]) => terminalSafe(value(r))));
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => [...c[i]!].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const pad = " ".repeat(widths[i]! - [...v].length);
        return columns[i]![2] === "right" ? pad + v : v + pad;
      })
      .join("  ")
      .trimEnd();
  return [line(columns.map(([h]) => h)), ...cells.map(line)].join("\n");
}
