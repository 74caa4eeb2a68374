import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Modules that import each other hide which one owns a fact: emr/ (the scheduler among them) and
// sparkgen/compile stay acyclic. Type-only imports count too: they tie the modules together just
// the same.
const IMPORT = /^(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)"/gms;

/** The relative imports of every `.ts` module (tests left out) under `dir`, as paths from `dir`. */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (!name.endsWith(".ts") || name.endsWith(".test.ts")) continue;
    const text = readFileSync(join(dir, name), "utf8");
    const targets = [...text.matchAll(IMPORT)].map((m) => relative(dir, resolve(dir, dirname(name), m[1]!)));
    graph.set(name, targets);
  }
  return graph;
}

/** One import cycle of `graph` (its modules, closed), or undefined when it has none. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (m: string): string[] | undefined => {
    const at = path.indexOf(m);
    if (at >= 0) return [...path.slice(at), m];
    if (done.has(m) || !graph.has(m)) return undefined;
    path.push(m);
    for (const next of graph.get(m)!) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(m);
    return undefined;
  };
  for (const m of graph.keys()) {
    const cycle = visit(m);
    if (cycle) return cycle;
  }
  return undefined;
}

describe("import cycles", () => {
  it("finds a cycle, and none in a chain", () => {
    const chain = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", []],
    ]);
    expect(findCycle(chain)).toBeUndefined();
    expect(findCycle(new Map([...chain, ["c.ts", ["a.ts"]]]))).toEqual(["a.ts", "b.ts", "c.ts", "a.ts"]);
  });

  it("reads the relative imports of a module, type-only and re-exports included", () => {
    const graph = importGraph(dirname(fileURLToPath(import.meta.url)));
    expect(graph.get("process.ts")).toEqual(
      expect.arrayContaining(["../runs/locks.ts", "attempt.ts", "types.ts", "take-over.ts"]),
    );
    expect(graph.get("index.ts")).toEqual(expect.arrayContaining(["process.ts", "types.ts"]));
  });

  it("none in emr/ (the scheduler, the runs, the runners)", () => {
    const emr = resolve(dirname(fileURLToPath(import.meta.url)), "..");
    expect(findCycle(importGraph(emr))).toBeUndefined();
  });

  // The Python step's own check is sparkgen/runtime/tests/test_imports.py (pytest, run by
  // test/sparkgen/runtime-python.test.ts).
  it("none in sparkgen/compile (one result per kind, the job's compiled model)", () => {
    const compile = resolve(dirname(fileURLToPath(import.meta.url)), "../../sparkgen/compile");
    const graph = importGraph(compile);
    expect(graph.get("job.ts")).toEqual(expect.arrayContaining(["kinds.ts", "events.ts", "read-columns.ts"]));
    expect(findCycle(graph)).toBeUndefined();
  });
});
