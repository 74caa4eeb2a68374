import { join } from "node:path";
import { prerequisiteError } from "../../runtime/errors/index.ts";
import { fieldAt } from "./locate.ts";
import { displayPath, type SpecFileProblem } from "./problem.ts";

const MAX_MESSAGE = 300;

/** The TypeScript compiler, loaded only by the commands that check specs (a devDependency). */
export async function loadTypeScript(): Promise<typeof import("typescript")> {
  try {
    return (await import("typescript")).default;
  } catch {
    throw prerequisiteError(
      "typescript is not installed: `trends sparkgen` type-checks the specs with it",
      "run `npm ci` in the checkout (sparkgen is an authoring command and needs the dev dependencies)",
    );
  }
}

/**
 * Type errors of the spec files, with the repository's compiler options (`tsconfig.json`), as
 * `tsc --noEmit` reports them for those files: what the typed spec language refuses (`avg("text")`,
 * a misspelled column) is found here, before anything is generated.
 */
export async function typeProblems(files: readonly string[], root: string): Promise<SpecFileProblem[]> {
  const ts = await loadTypeScript();
  const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config ?? {}, ts.sys, root);
  const program = ts.createProgram({ rootNames: [...files], options: { ...options, noEmit: true } });
  const out: SpecFileProblem[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) continue;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const start = d.start ?? 0;
      const text = ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\s+/g, " ");
      out.push({
        file: displayPath(file),
        line: sf.getLineAndCharacterOfPosition(start).line + 1,
        field: fieldAt(ts, sf, start) ?? "type",
        message: text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text,
      });
    }
  }
  return out;
}
