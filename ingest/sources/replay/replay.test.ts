import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSpeed, replaySource } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "replay-"));
const msg = (id: string, at: string) => JSON.stringify({ data: { id, created_at: at } });

async function collect(src: ReturnType<typeof replaySource>, signal = new AbortController().signal) {
  const out: string[] = [];
  for await (const m of src.messages(signal)) out.push(m);
  return out;
}

describe("replay source", () => {
  it("yields every message of a CRLF or LF file, skipping keep-alive blank lines", async () => {
    const file = join(dir, "mixed.ndjson");
    const a = msg("1", "2026-11-26T04:00:00.000Z");
    const b = msg("2", "2026-11-26T04:00:01.000Z");
    writeFileSync(file, `${a}\r\n\r\n${b}\n{broken\r\n\r\n${a}`);
    expect(await collect(replaySource({ file }))).toEqual([a, b, "{broken", a]);
  });

  it("keeps the recorded pace divided by the speed", async () => {
    const file = join(dir, "paced.ndjson");
    writeFileSync(
      file,
      [
        msg("1", "2026-11-26T04:00:00.000Z"),
        msg("2", "2026-11-26T04:00:02.000Z"),
        "not json",
        msg("3", "2026-11-26T04:00:05.000Z"),
        msg("4", "2026-11-26T04:00:04.000Z"),
      ].join("\r\n"),
    );
    let clock = 50_000;
    const sleeps: number[] = [];
    const src = replaySource({
      file,
      speed: 2,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    expect(await collect(src)).toHaveLength(5);
    // 2 s and 5 s after the first at speed 2: waits of 1 s, then 1.5 s; the late one goes at once.
    expect(sleeps).toEqual([1_000, 1_500]);
  });

  it("stops when aborted", async () => {
    const file = join(dir, "many.ndjson");
    writeFileSync(
      file,
      Array.from({ length: 100 }, (_, i) => msg(String(i), "2026-11-26T04:00:00.000Z")).join("\r\n"),
    );
    const ac = new AbortController();
    const out: string[] = [];
    for await (const m of replaySource({ file }).messages(ac.signal)) {
      out.push(m);
      if (out.length === 3) ac.abort();
    }
    expect(out).toHaveLength(3);
  });

  it("names the file and the speed flag when they are wrong", () => {
    expect(() => replaySource({ file: join(dir, "nope") })).toThrow(
      `--file ${join(dir, "nope")} is not a readable file`,
    );
    expect([parseSpeed("max"), parseSpeed("2.5"), parseSpeed(undefined)]).toEqual(["max", 2.5, "max"]);
    expect(() => parseSpeed("0")).toThrow('--speed 0 is not "max" or a positive number');
    expect(() => parseSpeed("fast")).toThrow('--speed fast is not "max" or a positive number');
  });
});
