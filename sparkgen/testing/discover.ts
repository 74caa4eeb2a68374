import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isSpecCases, type SpecCases } from "../spec/index.ts";

/** Every `define.cases(…)` exported by a module of `specsDir`, in file then export order. */
export async function discoverCases(specsDir: string): Promise<SpecCases[]> {
  const files = readdirSync(specsDir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort();
  const found: SpecCases[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(specsDir, f)).href)) as Record<string, unknown>;
    for (const v of Object.values(mod)) if (isSpecCases(v)) found.push(v);
  }
  return found;
}
