import { resolve } from "node:path";
import { usageError } from "../../runtime/errors/index.ts";
import { type JobSpec, loadSpecs, problemLine, SPECS_DIR } from "../../sparkgen/index.ts";
import type { SpecCases } from "../../sparkgen/spec/index.ts";

/** `--specs`: the spec folder the sparkgen commands read (tests point it at a fixture folder). */
export const specsOption = {
  type: "string",
  describe: "folder of the spec modules (default sparkgen/specs)",
  hidden: true,
} as const;

/**
 * The job of the spec folder, type-checked and validated; otherwise every problem on stderr as
 * `file:line  field: message`, then one usage error (exit 2). Loaded here, in the handlers that
 * need it, so a broken spec never stops the commands that do not read specs.
 */
export async function checkedJob(dir: string | undefined): Promise<JobSpec> {
  return (await checkedSpecs(dir)).job;
}

/** `checkedJob` with the test cases the spec modules carry. */
export async function checkedSpecs(
  dir: string | undefined,
): Promise<{ job: JobSpec; cases: readonly SpecCases[] }> {
  const { job, cases, problems } = await loadSpecs(dir === undefined ? SPECS_DIR : resolve(dir));
  for (const p of problems) process.stderr.write(`${problemLine(p)}\n`);
  if (!job || problems.length > 0)
    throw usageError(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the specs (listed above); nothing was generated`,
      "fix each line above, then run `npx trends sparkgen` again",
    );
  return { job, cases };
}
