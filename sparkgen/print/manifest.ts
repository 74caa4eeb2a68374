/**
 * The manifest printer (`generated/manifest.json`): what `trends sparkgen plan --base REF` reads at
 * a git ref. JSON, keys in the order the manifest declares them, a value on one line when it fits
 * in 100 columns (a list of words or columns always), so a spec change is a one-line diff.
 */
import type { Manifest } from "../changes/manifest.ts";

const WIDTH = 100;

function print(v: unknown, indent: string): string {
  const inline = JSON.stringify(v);
  const flat = Array.isArray(v) && v.every((x) => x === null || typeof x !== "object");
  if (v === null || typeof v !== "object" || flat || indent.length + inline.length <= WIDTH) return inline;
  const inner = `${indent}  `;
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + print(x, inner)).join(",\n")}\n${indent}]`;
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${print(x, inner)}`).join(",\n")}\n${indent}}`;
}

export function printManifest(m: Manifest): string {
  const doc = {
    version: m.version,
    generated: `by \`trends sparkgen\` from ${m.job.source}: do not edit; read by \`trends sparkgen plan\``,
    job: m.job,
    metrics: m.metrics,
  };
  return `${print(doc, "")}\n`;
}
