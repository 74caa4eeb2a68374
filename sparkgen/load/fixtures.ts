/** Spec folders for tests: modules written to a temporary folder, importing the spec language by path. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// Plain paths, not file: URLs: the compiler resolves only the former.
const lib = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** The imports every fixture module starts with: `define` and the event DSL `e`. */
export const PRELUDE = `import { define } from "${lib("spec/define.ts")}";
import { e } from "${lib("specs/events.ts")}";
`;

/** A job module like the shipped one. */
export const JOB = `${PRELUDE}
export const job = define.job(import.meta.url, {
  name: "fixture_job",
  description: "a fixture",
  windowMinutes: 15,
  eventTime: "created_at",
  dedup: { key: "id", latest: "ingested_at", ties: ["retweet_count", "like_count", "author_followers"] },
  topics: { all: "*", column: "rules" },
});
`;

/** A well-formed metric module named `name`, with `extra` spec fields. */
export const metricModule = (name: string, extra = "", exported = true) => `${PRELUDE}
${exported ? "export " : ""}const spec = define.metric(import.meta.url, {
  name: "${name}",
  description: "a fixture",${extra}
  dimensions: { lang: e.column("lang") },
  measures: { n: e.count() },
});
`;

/** A fresh folder holding `files` (name → text) and the job module. */
export function specFolder(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), "trends-specs-"));
  // ESM like the repository: outside it, tsx would compile the modules to CommonJS (no import.meta).
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(join(dir, "job.ts"), JOB);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
