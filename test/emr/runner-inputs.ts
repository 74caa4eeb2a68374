import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The fake step's input for each contract scenario: file name → content. */
export const INPUT_FILES: Record<"ok" | "fail" | "sleep", Record<string, string>> = {
  ok: { "trends-1-2026-11-26-04-10-00-aaaa": '{"id":"1"}\nnot json\n{"id":"2"}\n' },
  fail: { _fail: "" },
  sleep: { _sleep: "" },
};

/** Writes a scenario's files into `dir/<kind>/2026/11/26/04/` and returns that prefix. */
export function writeInputs(dir: string, kind: keyof typeof INPUT_FILES): string {
  const prefix = join(dir, kind, "2026/11/26/04");
  mkdirSync(prefix, { recursive: true });
  for (const [name, body] of Object.entries(INPUT_FILES[kind])) writeFileSync(join(prefix, name), body);
  return `${prefix}/`;
}
