import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSinkContract } from "../../test/ingest/sink-contract.ts";
import { DirSink, objectName } from "./dir.ts";

/** Every object file under `root`, skipping dot-files (in-progress objects). */
function readObjects(root: string): Buffer[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith("."))
    .map((d) => readFileSync(join(d.parentPath, d.name)));
}

runSinkContract("dir", async (o) => {
  const out = mkdtempSync(join(tmpdir(), "trends-dir-sink-"));
  return { sink: new DirSink({ ...o, out }), objects: async () => readObjects(out) };
});

describe("dir sink layout", () => {
  it("names objects like Firehose's default S3 keys, by arrival hour in UTC", async () => {
    const out = mkdtempSync(join(tmpdir(), "trends-dir-sink-"));
    const sink = new DirSink({
      out,
      rawPrefix: "raw/",
      stream: "trends-demo",
      now: () => new Date("2026-11-26T04:05:06.789Z"),
    });
    sink.write('{"id":"1"}\n');
    await sink.close();
    const files = readdirSync(join(out, "raw/2026/11/26/04"));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^trends-demo-1-2026-11-26-04-05-06-[0-9a-f-]{36}$/);
    expect(readFileSync(join(out, "raw/2026/11/26/04", files[0]!), "utf8")).toBe('{"id":"1"}\n');
  });

  it("formats the time part of the name in UTC", () => {
    expect(objectName("s", new Date("2026-01-02T03:04:05.000Z"))).toMatch(/^s-1-2026-01-02-03-04-05-/);
  });
});
