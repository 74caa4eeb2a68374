/**
 * Reads a manifest from its JSON text. A manifest at an old ref can be anything a commit holds (a
 * merge conflict, `null`, `{}`, a hand edit), so every field the report reads is checked here and a
 * bad one is named, instead of a TypeError from deep inside the diff.
 */
import { z } from "zod";
import { MANIFEST_VERSION, type Manifest } from "./manifest.ts";

// The diff compares and prints field values as JSON text, so any JSON value will do.
const fields = z.record(z.string(), z.json());
const names = z.array(z.string());

const metric = z.object({
  name: z.string(),
  kind: z.string(),
  source: z.string(),
  description: z.string(),
  fields,
  reads: names,
  columns: z.array(z.looseObject({ name: z.string(), type: z.string(), nullable: z.boolean() })),
  primaryKey: names,
  sqlHash: z.string(),
  rows: z.string(),
  lineage: z.record(
    z.string(),
    // `by` came later: an older ref's manifest has none.
    z.object({
      events: names,
      via: names,
      window: z.boolean(),
      by: names.default([]),
      fingerprint: z.string(),
    }),
  ),
});

const manifest = z.object({
  version: z.literal(MANIFEST_VERSION),
  job: z.object({
    name: z.string(),
    source: z.string(),
    description: z.string(),
    fields,
    sql: z.record(z.string(), z.string()),
  }),
  metrics: z.array(metric),
});

/** The manifest, or why the text is not one (the first problem, with its path). */
export function parseManifest(text: string): { manifest: Manifest } | { why: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { why: "is not JSON (a merge conflict?)" };
  }
  const r = manifest.safeParse(value);
  if (r.success) return { manifest: r.data as Manifest };
  const issue = r.error.issues[0]!;
  const at = issue.path.length > 0 ? issue.path.join(".") : "the top level";
  return { why: `is not a version ${MANIFEST_VERSION} manifest (${at}: ${issue.message})` };
}
