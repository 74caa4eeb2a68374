import { pathToFileURL } from "node:url";
import { specSource } from "../spec/define.ts";

/** A problem in a spec file: a type error, an import failure or a validation problem. */
export interface SpecFileProblem {
  /** Repository path (absolute outside the repository). */
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

/** How a file is named in problems: relative to the repository when inside it. */
export function displayPath(abs: string): string {
  const rel = specSource(pathToFileURL(abs).href);
  return rel.startsWith("..") ? abs : rel;
}

/** `file:line  field: message`, the form editors and terminals link. */
export const problemLine = (p: SpecFileProblem): string => `${p.file}:${p.line}  ${p.field}: ${p.message}`;
