import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { sentimentAlert, sentimentWindow, volumeAlert, wordWindow } from "../specs/index.ts";
import { metricModule, PRELUDE, specFolder } from "./fixtures.ts";
import { loadSpecs, problemLine } from "./index.ts";
import { dependencyOrder } from "./order.ts";

const dirs: string[] = [];
const folder = (files: Record<string, string>) => {
  const dir = specFolder(files);
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// One type error and two validation problems, each on a line of its own.
const BROKEN = `${PRELUDE}
export const broken = define.metric(import.meta.url, {
  name: "Broken",
  description: "three problems",
  dimensions: { lang: e.column("lang") },
  measures: { n: e.count(), mean: e.avg("text") },
  rank: { top: 0, by: "n" },
});
`;

describe("loadSpecs", () => {
  it("reports a type error and every validation problem at once, each with file and line", async () => {
    const dir = folder({ "broken.ts": BROKEN });
    const { problems } = await loadSpecs(dir);
    const lines = problems.map(problemLine).map((l) => l.slice(dir.length + 1));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^broken\.ts:8 {2}measures\.mean: Argument of type '"text"'/);
    expect(lines[1]).toMatch(/^broken\.ts:5 {2}name: .*lower_snake_case/);
    expect(lines[2]).toMatch(/^broken\.ts:9 {2}rank\.top: is 0; use a whole number from 1 to/);
  }, 60_000); // the compiler's first program over the spec language takes seconds

  it("names a spec module that no job reaches (a spec defined but not exported)", async () => {
    const dir = folder({
      "a_window.ts": metricModule("a_window"),
      "lost.ts": metricModule("lost_window", "", false),
    });
    const { job, problems } = await loadSpecs(dir, { typecheck: false });
    expect(job!.metrics.map((m) => m.name)).toEqual(["a_window"]);
    expect(problems.map(problemLine)).toEqual([
      `${dir}/lost.ts:5  name: lost_window is in no job: export it from its module, or mark it \`draft: true\``,
    ]);
  });

  it("leaves a draft spec out of the job, without a problem", async () => {
    const dir = folder({
      "a_window.ts": metricModule("a_window"),
      "b_window.ts": metricModule("b_window", "\n  draft: true,"),
    });
    const { job, problems } = await loadSpecs(dir, { typecheck: false });
    expect(problems).toEqual([]);
    expect(job!.metrics.map((m) => m.name)).toEqual(["a_window"]);
  });

  it("reports a module that fails to import as a problem of that file", async () => {
    const dir = folder({
      "a_window.ts": metricModule("a_window"),
      "throws.ts": `${PRELUDE}\nthrow new Error("no such table");\n`,
    });
    const { problems } = await loadSpecs(dir, { typecheck: false });
    expect(problems.map((p) => [p.file, p.field, p.message])).toEqual([
      [`${dir}/throws.ts`, "import", "no such table"],
    ]);
  });
});

describe("dependencyOrder", () => {
  it("puts each alert after the metric it reads, ties by name, whatever the input order", () => {
    const names = (ms: Parameters<typeof dependencyOrder>[0]) => dependencyOrder(ms).map((m) => m.name);
    expect(names([volumeAlert, wordWindow, sentimentAlert, sentimentWindow])).toEqual([
      "sentiment_window",
      "sentiment_alert",
      "volume_alert",
      "word_window",
    ]);
    expect(names([sentimentWindow, sentimentAlert, wordWindow, volumeAlert])).toEqual(
      names([volumeAlert, wordWindow, sentimentAlert, sentimentWindow]),
    );
  });
});
